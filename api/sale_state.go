package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"go.temporal.io/api/serviceerror"

	"karso.ru/prm/workflows"
)

// A sale's page is read from PostgreSQL: the projection stores the whole state of every
// revision (sale_states). Only a sale still in progress asks its workflow, because its page
// shows what the workflow is doing right now (an action under way, a payment attempt) and
// offers the actions the workflow would take. When the workflow cannot answer in time (no
// worker polls, Temporal is down, the workflow is gone) the page is the stored state, marked
// stale, and offers no action. A final sale never asks: its workflow has ended, and Temporal
// removes it once the namespace's retention passes.

// saleView is the state a sale's page shows, and whether it came from the read model
// because the workflow could not answer.
type saleView struct {
	workflows.SaleState
	Stale bool
}

// errTemporalUnavailable: the sale's workflow did not answer when it had to — for an action,
// or for a page the read model has no state of (a sale last projected before the read model
// kept states).
var errTemporalUnavailable = errors.New("the sale's workflow does not answer")

// storedState is the sale's state as the projection last wrote it; found is false for a sale
// whose projection predates the stored states.
func (s *Server) storedState(ctx context.Context, saleID uuid.UUID) (st workflows.SaleState, found bool, err error) {
	row, err := s.q.GetSaleState(ctx, saleID)
	if errors.Is(err, pgx.ErrNoRows) {
		return st, false, nil
	}
	if err != nil {
		return st, false, fmt.Errorf("read stored state of sale %s: %w", saleID, err)
	}
	if err := json.Unmarshal(row.State, &st); err != nil {
		return st, false, fmt.Errorf("decode stored state of sale %s: %w", saleID, err)
	}
	return st, true, nil
}

// currentState is what a sale's page shows: the stored state of a final sale, the live state
// of any other, or the stored state marked stale when the workflow does not answer within
// LiveQueryTimeout.
func (s *Server) currentState(ctx context.Context, saleID uuid.UUID) (saleView, error) {
	stored, found, err := s.storedState(ctx, saleID)
	if err != nil {
		return saleView{}, err
	}
	if found && stored.Status.IsFinal() {
		// nothing runs in an ended sale, whatever the last revision was doing
		stored.Busy = false
		return saleView{SaleState: stored}, nil
	}
	qctx, cancel := context.WithTimeout(ctx, s.cfg.LiveQueryTimeout)
	defer cancel()
	live, err := s.liveState(qctx, saleID.String())
	if err == nil {
		return saleView{SaleState: live}, nil
	}
	if ctx.Err() != nil {
		return saleView{}, ctx.Err() // the caller went away
	}
	if !found {
		return saleView{}, errors.Join(errTemporalUnavailable, err)
	}
	s.log.WarnContext(ctx, "sale page from the read model: the workflow did not answer", "sale_id", saleID,
		"revision", stored.Revision, "err", err)
	return saleView{SaleState: stored, Stale: true}, nil
}

// liveState asks the sale's workflow for its state.
func (s *Server) liveState(ctx context.Context, saleID string) (workflows.SaleState, error) {
	var st workflows.SaleState
	v, err := s.temporal.QueryWorkflow(ctx, workflows.WorkflowID(saleID), "", workflows.QuerySale)
	if err == nil {
		err = v.Get(&st)
	}
	return st, err
}

// isTemporalDown says whether err means Temporal (or the worker behind the workflow) did not
// answer, as opposed to refusing: the action may be repeated later.
func isTemporalDown(err error) bool {
	var unavailable *serviceerror.Unavailable
	var deadline *serviceerror.DeadlineExceeded
	return errors.Is(err, errTemporalUnavailable) || errors.Is(err, context.DeadlineExceeded) ||
		errors.As(err, &unavailable) || errors.As(err, &deadline)
}

// failTemporal answers 503 temporal_unavailable when err is Temporal not answering, and 500
// otherwise.
func (s *Server) failTemporal(c *gin.Context, err error) {
	if !isTemporalDown(err) {
		s.failInternal(c, err)
		return
	}
	s.log.WarnContext(c.Request.Context(), "temporal did not answer", "err", err, "path", c.FullPath(),
		"request_id", c.GetString(ctxRequestID))
	fail(c, http.StatusServiceUnavailable, "temporal_unavailable")
}
