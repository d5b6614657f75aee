package config_test

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"karso.ru/prm/config"
)

// issue runs the deployment's certificate script into a fresh folder, as an operator does.
func issue(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tls")
	out, err := exec.Command("bash", "../scripts/temporal-certs.sh", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("scripts/temporal-certs.sh: %v\n%s", err, out)
	}
	return dir
}

// temporalFrontend is a TLS listener that, as Temporal with TEMPORAL_TLS_REQUIRE_CLIENT_AUTH,
// presents the server certificate and accepts only clients whose certificate the CA signed.
// It answers the common name of the client it accepted.
func temporalFrontend(t *testing.T, dir string) string {
	t.Helper()
	cert, err := tls.LoadX509KeyPair(filepath.Join(dir, "temporal.crt"), filepath.Join(dir, "temporal.key"))
	if err != nil {
		t.Fatal(err)
	}
	pem, _ := os.ReadFile(filepath.Join(dir, "ca.crt"))
	clients := x509.NewCertPool()
	clients.AppendCertsFromPEM(pem)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, ClientCAs: clients,
		ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				tc := conn.(*tls.Conn)
				if tc.Handshake() == nil {
					_, _ = tc.Write([]byte(tc.ConnectionState().PeerCertificates[0].Subject.CommonName))
				}
			}()
		}
	}()
	return ln.Addr().String()
}

func dial(addr string, cfg *tls.Config) (string, error) {
	conn, err := tls.Dial("tcp", addr, cfg)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	buf := make([]byte, 64)
	n, err := conn.Read(buf)
	return string(buf[:n]), err
}

// TestKarsoReachesTemporalOverMutualTLS: with the certificates the script makes, karso's
// TEMPORAL_TLS_* configuration presents its own certificate and verifies the server's name;
// without a client certificate, or signed by another CA, the server refuses.
func TestKarsoReachesTemporalOverMutualTLS(t *testing.T) {
	dir := issue(t)
	addr := temporalFrontend(t, dir)
	clearEnv(t)
	t.Setenv("TEMPORAL_TLS_CA", filepath.Join(dir, "ca.crt"))
	t.Setenv("TEMPORAL_TLS_CERT", filepath.Join(dir, "karso.crt"))
	t.Setenv("TEMPORAL_TLS_KEY", filepath.Join(dir, "karso.key"))
	t.Setenv("TEMPORAL_TLS_SERVER_NAME", "temporal")
	cfg, err := config.Load()
	if err != nil {
		t.Fatal(err)
	}
	tlsCfg, err := cfg.TemporalTLS.ClientConfig()
	if err != nil || tlsCfg == nil {
		t.Fatalf("client config: %v", err)
	}
	if who, err := dial(addr, tlsCfg); err != nil || who != "karso" {
		t.Fatalf("karso over mutual TLS: %q, %v", who, err)
	}

	// a client without a certificate of the CA is refused by the server
	anonymous := tlsCfg.Clone()
	anonymous.Certificates = nil
	if _, err := dial(addr, anonymous); err == nil {
		t.Errorf("a client without a certificate was let in")
	}
	other := issue(t)
	stranger, err := tls.LoadX509KeyPair(filepath.Join(other, "karso.crt"), filepath.Join(other, "karso.key"))
	if err != nil {
		t.Fatal(err)
	}
	foreign := tlsCfg.Clone()
	foreign.Certificates = []tls.Certificate{stranger}
	if _, err := dial(addr, foreign); err == nil {
		t.Errorf("a certificate of another CA was let in")
	}
	// and karso does not talk to a server whose certificate names another host
	wrongName := tlsCfg.Clone()
	wrongName.ServerName = "temporal.evil.example"
	var verr *tls.CertificateVerificationError
	if _, err := dial(addr, wrongName); !errors.As(err, &verr) {
		t.Errorf("a server certificate for another name: %v", err)
	}
}

func TestHalfConfiguredTLSStopsTheStart(t *testing.T) {
	dir := issue(t)
	clearEnv(t)
	t.Setenv("TEMPORAL_TLS_CA", filepath.Join(dir, "ca.crt"))
	_, err := config.Load()
	if err == nil || !strings.HasPrefix(err.Error(), "TEMPORAL_TLS_CA:") {
		t.Fatalf("a CA without a client certificate: %v", err)
	}
	t.Setenv("TEMPORAL_TLS_CERT", filepath.Join(dir, "karso.crt"))
	t.Setenv("TEMPORAL_TLS_KEY", filepath.Join(dir, "temporal-ui.key")) // not this certificate's key
	if _, err := config.Load(); err == nil {
		t.Fatal("a key of another certificate is accepted")
	}
}
