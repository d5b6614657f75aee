package documents

import (
	"errors"
	"fmt"
	"text/template"
	"text/template/parse"
	"time"
)

// An admin's template is code that runs wherever a document is issued (the API's preview,
// the worker's activities). These bounds keep one mistake, or one malicious admin, from
// taking a process down: a template that loops too long, recurses too deep, writes too much
// or builds huge strings stops with a TemplateError that names the limit.
const (
	// MaxTemplateOutput is how much one field (title or body) may write: a commission
	// statement of 10,000 sales is ~1.5 MB.
	MaxTemplateOutput = 4 << 20
	// MaxTemplateSteps is how many loop iterations and template calls one field may make (a
	// statement of 10,000 sales makes 10,000).
	MaxTemplateSteps = 250_000
	// MaxTemplateTime is how long one field may run.
	MaxTemplateTime = 5 * time.Second
	// maxFuncResult is the longest text printf and its siblings may build: without it,
	// {{$x = printf "%s%s" $x $x}} in a loop doubles a string until memory runs out.
	maxFuncResult = 64 << 10
)

// Limits a template ran into; TemplateError.Limit is one of them.
const (
	LimitOutput = "output"
	LimitSteps  = "steps"
	LimitTime   = "time"
	LimitText   = "text"
)

// errLimit is a bound a template ran into.
type errLimit struct{ limit string }

func (e errLimit) Error() string {
	switch e.limit {
	case LimitOutput:
		return fmt.Sprintf("the template writes more than %d MiB", MaxTemplateOutput>>20)
	case LimitSteps:
		return fmt.Sprintf("the template makes more than %d loop steps or template calls", MaxTemplateSteps)
	case LimitTime:
		return fmt.Sprintf("the template runs longer than %s", MaxTemplateTime)
	default:
		return fmt.Sprintf("a function builds a text longer than %d KiB", maxFuncResult>>10)
	}
}

// limitedWriter is the output of one field: it refuses the write past MaxTemplateOutput,
// which stops text/template's execution.
type limitedWriter struct {
	buf []byte
}

func (w *limitedWriter) Write(p []byte) (int, error) {
	if len(w.buf)+len(p) > MaxTemplateOutput {
		return 0, errLimit{LimitOutput}
	}
	w.buf = append(w.buf, p...)
	return len(p), nil
}

// budget counts one field's steps and watches its clock.
type budget struct {
	steps int
	start time.Time
}

// stepFunc is the function instrumented templates call at every loop iteration and template
// call (a template that calls it itself only counts more steps).
const stepFunc = "karsoStep__"

// step counts one step; past the bounds it stops the template with the limit's error.
func (b *budget) step() (string, error) {
	b.steps++
	if b.steps > MaxTemplateSteps {
		return "", errLimit{LimitSteps}
	}
	if b.steps%1024 == 0 && time.Since(b.start) > MaxTemplateTime {
		return "", errLimit{LimitTime}
	}
	return "", nil
}

// boundedFuncs replaces text/template's builtins that build text with ones that refuse to
// build more than maxFuncResult, and adds the step counter.
func (b *budget) funcs() template.FuncMap {
	capped := func(f func(...any) string) func(...any) (string, error) {
		return func(args ...any) (string, error) { return capText(f(args...)) }
	}
	return template.FuncMap{
		stepFunc:   b.step,
		"print":    capped(fmt.Sprint),
		"println":  capped(fmt.Sprintln),
		"printf":   func(format string, args ...any) (string, error) { return capText(fmt.Sprintf(format, args...)) },
		"html":     capped(template.HTMLEscaper),
		"js":       capped(template.JSEscaper),
		"urlquery": capped(template.URLQueryEscaper),
	}
}

func capText(s string) (string, error) {
	if len(s) > maxFuncResult {
		return "", errLimit{LimitText}
	}
	return s, nil
}

// instrument makes every loop iteration and every template's start call the step counter:
// those are the only ways a template's work can grow beyond the size of its text and data.
func instrument(t *template.Template) {
	for _, tmpl := range t.Templates() {
		if tmpl.Tree == nil || tmpl.Root == nil {
			continue
		}
		prependStep(tmpl.Tree, tmpl.Root)
		instrumentList(tmpl.Tree, tmpl.Root)
	}
}

func instrumentList(tr *parse.Tree, list *parse.ListNode) {
	if list == nil {
		return
	}
	for _, n := range list.Nodes {
		switch n := n.(type) {
		case *parse.RangeNode:
			prependStep(tr, n.List)
			instrumentList(tr, n.List)
			instrumentList(tr, n.ElseList)
		case *parse.IfNode:
			instrumentList(tr, n.List)
			instrumentList(tr, n.ElseList)
		case *parse.WithNode:
			instrumentList(tr, n.List)
			instrumentList(tr, n.ElseList)
		}
	}
}

// prependStep puts {{karsoStep__}} (which prints nothing) before a list's first node.
func prependStep(tr *parse.Tree, list *parse.ListNode) {
	if list == nil {
		return
	}
	pos := list.Pos
	ident := parse.NewIdentifier(stepFunc).SetTree(tr).SetPos(pos)
	cmd := &parse.CommandNode{NodeType: parse.NodeCommand, Pos: pos, Args: []parse.Node{ident}}
	pipe := &parse.PipeNode{NodeType: parse.NodePipe, Pos: pos, Cmds: []*parse.CommandNode{cmd}}
	list.Nodes = append([]parse.Node{&parse.ActionNode{NodeType: parse.NodeAction, Pos: pos, Pipe: pipe}}, list.Nodes...)
}

// limitOf is the limit an execution error reports, or "".
func limitOf(err error) string {
	var l errLimit
	if errors.As(err, &l) {
		return l.limit
	}
	return ""
}
