package config

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
)

// TemporalTLS is the client half of mutual TLS to the Temporal frontend (TEMPORAL_TLS_CA,
// TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY, TEMPORAL_TLS_SERVER_NAME — the names the Temporal CLI
// and UI read too): the CA that signed the server's certificate, and the certificate and key
// karso presents. All empty: plaintext, as to the dev server on a developer's machine.
type TemporalTLS struct {
	CAFile, CertFile, KeyFile string
	// ServerName is the name the server's certificate must carry; empty, the host of
	// TEMPORAL_ADDRESS.
	ServerName string
}

// Enabled reports whether any TLS file is named.
func (t TemporalTLS) Enabled() bool { return t.CAFile != "" || t.CertFile != "" || t.KeyFile != "" }

// ClientConfig loads the files into a tls.Config for the Temporal client, or nil when TLS is
// off. A half-configured TLS (a CA without a client certificate, a certificate without its
// key) is an error: the server requires the client's certificate, and a missing one would
// only show as a refused connection later.
func (t TemporalTLS) ClientConfig() (*tls.Config, error) {
	if !t.Enabled() {
		return nil, nil
	}
	if t.CAFile == "" || t.CertFile == "" || t.KeyFile == "" {
		return nil, errors.New("set all three of TEMPORAL_TLS_CA, TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY, or none")
	}
	pem, err := os.ReadFile(t.CAFile)
	if err != nil {
		return nil, fmt.Errorf("read the CA: %w", err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no PEM certificate", t.CAFile)
	}
	cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("load the client certificate: %w", err)
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots, Certificates: []tls.Certificate{cert},
		ServerName: t.ServerName}, nil
}
