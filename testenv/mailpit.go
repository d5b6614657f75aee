package testenv

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// MailpitVersion is the pinned Mailpit the tests send mail to (see scripts/lib.sh).
const MailpitVersion = "v1.33.1"

// MailpitBin finds the pinned Mailpit: $KARSO_MAILPIT_BIN, else the project's tools folder.
func MailpitBin() (string, error) {
	if p := os.Getenv("KARSO_MAILPIT_BIN"); p != "" {
		return p, nil
	}
	p := filepath.Join(toolsDir(), "mailpit@"+MailpitVersion, "mailpit")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("Mailpit %s not found at %s: run `make test` (or `make tools`), which installs it", MailpitVersion, p)
	}
	return p, nil
}

func toolsDir() string {
	if dir := os.Getenv("KARSO_TOOLS_DIR"); dir != "" {
		return dir
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".cache", "karso", "tools")
}

// MailpitOptions shape the test's mail server.
type MailpitOptions struct {
	// AllowedRecipients, a regular expression, makes the server refuse (550) every other
	// recipient, as a real relay refuses a mailbox that does not exist.
	AllowedRecipients string
	// Chaos lets a test make the server answer with errors it chooses (SetRecipientError).
	Chaos bool
}

// Mailpit is a real SMTP server with a REST API to read what arrived, on free ports, its data
// in a temporary folder. Stop and Start take it down and bring it back on the same ports with
// the same mailbox, as an SMTP relay's outage looks to the sender.
type Mailpit struct {
	bin, dir string
	opts     MailpitOptions
	cmd      *exec.Cmd
	done     chan struct{}
	SMTPPort int
	HTTPPort int
}

// StartMailpit starts a Mailpit and waits until it answers.
func StartMailpit(opts MailpitOptions) (*Mailpit, error) {
	bin, err := MailpitBin()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "karso-mailpit-")
	if err != nil {
		return nil, err
	}
	m := &Mailpit{bin: bin, dir: dir, opts: opts}
	if m.SMTPPort, err = FreePort(); err != nil {
		return nil, err
	}
	if m.HTTPPort, err = FreePort(); err != nil {
		return nil, err
	}
	if err := m.Start(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return m, nil
}

// Start starts the server (again) on its ports with its mailbox.
func (m *Mailpit) Start() error {
	if m.cmd != nil {
		return nil
	}
	args := []string{"--smtp", "127.0.0.1:" + strconv.Itoa(m.SMTPPort), "--listen", "127.0.0.1:" + strconv.Itoa(m.HTTPPort),
		"--database", filepath.Join(m.dir, "mailpit.db"), "--disable-version-check", "--quiet",
		"--smtp-disable-rdns", "--max", "5000"}
	if m.opts.Chaos {
		args = append(args, "--enable-chaos")
	}
	if m.opts.AllowedRecipients != "" {
		args = append(args, "--smtp-allowed-recipients", m.opts.AllowedRecipients)
	}
	log, err := os.OpenFile(filepath.Join(m.dir, "mailpit.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	cmd := exec.Command(m.bin, args...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		log.Close()
		return fmt.Errorf("start mailpit: %w", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); log.Close(); close(done) }()
	m.cmd, m.done = cmd, done
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(m.APIURL() + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-done:
			m.cmd = nil
			out, _ := os.ReadFile(filepath.Join(m.dir, "mailpit.log"))
			return fmt.Errorf("mailpit exited: %s", out)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("mailpit did not answer on %s within 30 s", m.APIURL())
		}
	}
}

// Stop takes the server down and waits until its SMTP port refuses connections; the mailbox
// stays for Start.
func (m *Mailpit) Stop() {
	if m.cmd == nil {
		return
	}
	_ = m.cmd.Process.Signal(os.Interrupt)
	select {
	case <-m.done:
	case <-time.After(10 * time.Second):
		_ = m.cmd.Process.Kill()
		<-m.done
	}
	m.cmd = nil
}

// Close stops the server and removes its data.
func (m *Mailpit) Close() {
	m.Stop()
	_ = os.RemoveAll(m.dir)
}

// SMTPURL is the SMTP_URL that sends to this server.
func (m *Mailpit) SMTPURL() string { return "smtp://127.0.0.1:" + strconv.Itoa(m.SMTPPort) }

// APIURL is the base of the server's HTTP API.
func (m *Mailpit) APIURL() string { return "http://127.0.0.1:" + strconv.Itoa(m.HTTPPort) }

// MailAddress is a sender or recipient as Mailpit reports it.
type MailAddress struct {
	Name    string `json:"Name"`
	Address string `json:"Address"`
}

// MailSummary is a message in Mailpit's list.
type MailSummary struct {
	ID          string        `json:"ID"`
	MessageID   string        `json:"MessageID"`
	From        MailAddress   `json:"From"`
	To          []MailAddress `json:"To"`
	Subject     string        `json:"Subject"`
	Attachments int           `json:"Attachments"`
	Created     time.Time     `json:"Created"`
}

// MailMessage is one message as it arrived: both parts and the attachments.
type MailMessage struct {
	ID          string           `json:"ID"`
	MessageID   string           `json:"MessageID"`
	From        MailAddress      `json:"From"`
	To          []MailAddress    `json:"To"`
	Subject     string           `json:"Subject"`
	Text        string           `json:"Text"`
	HTML        string           `json:"HTML"`
	Attachments []MailAttachment `json:"Attachments"`
}

// MailAttachment is an attached file of a message.
type MailAttachment struct {
	PartID      string `json:"PartID"`
	FileName    string `json:"FileName"`
	ContentType string `json:"ContentType"`
	Size        int    `json:"Size"`
}

// Messages lists what arrived, newest first (at most 5,000).
func (m *Mailpit) Messages(ctx context.Context) ([]MailSummary, error) {
	var out struct {
		Messages []MailSummary `json:"messages"`
	}
	err := m.getJSON(ctx, "/api/v1/messages?limit=5000", &out)
	return out.Messages, err
}

// MessagesTo lists what arrived for one recipient, newest first.
func (m *Mailpit) MessagesTo(ctx context.Context, address string) ([]MailSummary, error) {
	var out struct {
		Messages []MailSummary `json:"messages"`
	}
	err := m.getJSON(ctx, "/api/v1/search?limit=5000&query="+url.QueryEscape(`to:"`+address+`"`), &out)
	return out.Messages, err
}

// Message reads one message whole.
func (m *Mailpit) Message(ctx context.Context, id string) (MailMessage, error) {
	var out MailMessage
	err := m.getJSON(ctx, "/api/v1/message/"+url.PathEscape(id), &out)
	return out, err
}

// Attachment reads the content of one attached file.
func (m *Mailpit) Attachment(ctx context.Context, id, partID string) ([]byte, error) {
	resp, err := m.get(ctx, "/api/v1/message/"+url.PathEscape(id)+"/part/"+url.PathEscape(partID))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// SetRecipientError makes the server answer every RCPT TO with code (451: try again later);
// 0 makes it accept again. The server must have been started with Chaos.
func (m *Mailpit) SetRecipientError(ctx context.Context, code int) error {
	body := `{"Recipient":{"ErrorCode":451,"Probability":0}}`
	if code != 0 {
		body = fmt.Sprintf(`{"Recipient":{"ErrorCode":%d,"Probability":100}}`, code)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, m.APIURL()+"/api/v1/chaos", strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("mailpit chaos: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		out, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("mailpit chaos: %s: %s", resp.Status, out)
	}
	return nil
}

func (m *Mailpit) getJSON(ctx context.Context, path string, into any) error {
	resp, err := m.get(ctx, path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(into)
}

func (m *Mailpit) get(ctx context.Context, path string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.APIURL()+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("mailpit %s: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return nil, fmt.Errorf("mailpit %s: %s: %s", path, resp.Status, body)
	}
	return resp, nil
}
