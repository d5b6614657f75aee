package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"karso.ru/prm/db/store"
	"karso.ru/prm/warranty"
)

// Limits of a catalogue entry an admin saves.
const (
	maxAliases = 20
	maxModels  = 300
)

// mountVehicleCatalog: everyone signed in reads the catalogue of makes (the wizard's picker,
// the tariff editor); admins keep it.
func (s *Server) mountVehicleCatalog(authed *gin.RouterGroup) {
	authed.GET("/vehicle-makes", s.listVehicleMakes)
	admin := authed.Group("", allow("admin"))
	admin.POST("/vehicle-makes", s.createVehicleMake)
	admin.PUT("/vehicle-makes/:id", s.updateVehicleMake)
}

// vehicleCatalog reads the whole catalogue: a few hundred rows, read per request so that an
// admin's change applies at once on every API instance.
func (s *Server) vehicleCatalog(ctx context.Context) (warranty.MakeCatalog, error) {
	return loadVehicleCatalog(ctx, s.q)
}

func loadVehicleCatalog(ctx context.Context, q *store.Queries) (warranty.MakeCatalog, error) {
	makes, err := q.ListVehicleMakes(ctx)
	if err != nil {
		return nil, err
	}
	models, err := q.ListVehicleModels(ctx)
	if err != nil {
		return nil, err
	}
	byMake := map[int64][]warranty.CatalogModel{}
	for _, m := range models {
		byMake[m.MakeID] = append(byMake[m.MakeID], warranty.CatalogModel{ID: m.ID, Name: m.Name, Aliases: m.Aliases})
	}
	out := make(warranty.MakeCatalog, 0, len(makes))
	for _, m := range makes {
		ms := byMake[m.ID]
		if ms == nil {
			ms = []warranty.CatalogModel{}
		}
		out = append(out, warranty.CatalogMake{ID: m.ID, Name: m.Name, Aliases: m.Aliases, Active: m.Active, Models: ms})
	}
	return out, nil
}

func (s *Server) listVehicleMakes(c *gin.Context) {
	catalog, err := s.vehicleCatalog(c.Request.Context())
	if err != nil {
		s.failInternal(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": catalog})
}

// vehicleMakeInput is a make as an admin saves it, its models listed in full: a model
// missing from the list is removed, one kept by name keeps its id.
type vehicleMakeInput struct {
	Name    string              `json:"name"`
	Aliases []string            `json:"aliases"`
	Active  *bool               `json:"active"`
	Models  []vehicleModelInput `json:"models"`
}

type vehicleModelInput struct {
	Name    string   `json:"name"`
	Aliases []string `json:"aliases"`
}

// entry is the input as a catalogue entry, trimmed.
func (in vehicleMakeInput) entry(id int64) warranty.CatalogMake {
	m := warranty.CatalogMake{ID: id, Name: strings.Join(strings.Fields(in.Name), " "), Aliases: trimAll(in.Aliases),
		Active: in.Active == nil || *in.Active, Models: []warranty.CatalogModel{}}
	for _, md := range in.Models {
		m.Models = append(m.Models, warranty.CatalogModel{Name: strings.Join(strings.Fields(md.Name), " "),
			Aliases: trimAll(md.Aliases)})
	}
	return m
}

func trimAll(ss []string) []string {
	out := []string{}
	for _, s := range ss {
		if s = strings.Join(strings.Fields(s), " "); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// checkVehicleMake answers 422 naming the field when the entry is malformed or one of its
// spellings already means another make.
func (s *Server) checkVehicleMake(c *gin.Context, m warranty.CatalogMake) bool {
	catalog, err := s.vehicleCatalog(c.Request.Context())
	if err != nil {
		s.failInternal(c, err)
		return false
	}
	vs := warranty.CheckMake(m, catalog)
	l := lang(c)
	fields := vs.Fields(l)
	if len(m.Aliases) > maxAliases {
		fields["aliases"] = catalogueMessage(l, "too_many_aliases")
	}
	if len(m.Models) > maxModels {
		fields["models"] = catalogueMessage(l, "too_many_models")
	}
	for _, md := range m.Models {
		if len(md.Aliases) > maxAliases {
			fields["models"] = catalogueMessage(l, "too_many_aliases")
		}
	}
	if len(fields) > 0 {
		failFields(c, fields)
		return false
	}
	return true
}

// catalogueMessages are the texts of the catalogue's own limits, Russian first.
var catalogueMessages = map[string][2]string{
	"too_many_aliases": {"Не больше 20 написаний", "At most 20 spellings"},
	"too_many_models":  {"Не больше 300 моделей у марки", "At most 300 models per make"},
	"make_exists":      {"Марка с таким названием уже есть", "A make with this name already exists"},
}

func catalogueMessage(l, code string) string {
	m := catalogueMessages[code]
	if l == "en" {
		return m[1]
	}
	return m[0]
}

func (s *Server) createVehicleMake(c *gin.Context) {
	var in vehicleMakeInput
	if !decodeJSON(c, &in) {
		return
	}
	m := in.entry(0)
	if !s.checkVehicleMake(c, m) {
		return
	}
	ctx := c.Request.Context()
	var newID int64
	err := s.inTx(c, func(q *store.Queries) error {
		var err error
		if newID, err = q.CreateVehicleMake(ctx, store.CreateVehicleMakeParams{Name: m.Name, Aliases: m.Aliases,
			Active: m.Active}); err != nil {
			return err
		}
		m.ID = newID
		if err := saveModels(ctx, q, m); err != nil {
			return err
		}
		return s.auditTx(c, q, "vehicle_make.create", "vehicle_make", id(newID), nil, m)
	})
	s.answerMakeSaved(c, err, newID, http.StatusCreated)
}

func (s *Server) updateVehicleMake(c *gin.Context) {
	mid, ok := pathID(c)
	if !ok {
		return
	}
	catalog, err := s.vehicleCatalog(c.Request.Context())
	if err != nil {
		s.failInternal(c, err)
		return
	}
	var before *warranty.CatalogMake
	for i := range catalog {
		if catalog[i].ID == mid {
			before = &catalog[i]
		}
	}
	if before == nil {
		fail(c, http.StatusNotFound, "not_found")
		return
	}
	var in vehicleMakeInput
	if !decodeJSON(c, &in) {
		return
	}
	m := in.entry(mid)
	if !s.checkVehicleMake(c, m) {
		return
	}
	ctx := c.Request.Context()
	err = s.inTx(c, func(q *store.Queries) error {
		if _, err := q.UpdateVehicleMake(ctx, store.UpdateVehicleMakeParams{ID: mid, Name: m.Name, Aliases: m.Aliases,
			Active: m.Active}); err != nil {
			return err
		}
		if err := saveModels(ctx, q, m); err != nil {
			return err
		}
		return s.auditTx(c, q, "vehicle_make.update", "vehicle_make", id(mid), before, m)
	})
	s.answerMakeSaved(c, err, mid, http.StatusOK)
}

// saveModels makes the make's models exactly the listed ones.
func saveModels(ctx context.Context, q *store.Queries, m warranty.CatalogMake) error {
	keep := []string{}
	for _, md := range m.Models {
		if err := q.UpsertVehicleModel(ctx, store.UpsertVehicleModelParams{MakeID: m.ID, Name: md.Name,
			Aliases: md.Aliases}); err != nil {
			return err
		}
		keep = append(keep, md.Name)
	}
	return q.DeleteVehicleModelsExcept(ctx, store.DeleteVehicleModelsExceptParams{MakeID: m.ID, Keep: keep})
}

// answerMakeSaved answers the saved make as the catalogue now has it.
func (s *Server) answerMakeSaved(c *gin.Context, err error, mid int64, status int) {
	if isUniqueViolation(err, "vehicle_makes_name_key") {
		l := lang(c)
		c.AbortWithStatusJSON(http.StatusConflict, gin.H{"error": Problem{Code: "make_exists",
			Message: catalogueMessage(l, "make_exists"), Fields: map[string]string{"name": catalogueMessage(l, "make_exists")}}})
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	catalog, err := s.vehicleCatalog(c.Request.Context())
	if err != nil {
		s.failInternal(c, err)
		return
	}
	for _, m := range catalog {
		if m.ID == mid {
			c.JSON(status, m)
			return
		}
	}
	fail(c, http.StatusNotFound, "not_found")
}

// resolveVehicle names the vehicle's make and model as the catalogue does (MakeCatalog.Resolve).
func (s *Server) resolveVehicle(c *gin.Context, v warranty.Vehicle) (warranty.Vehicle, bool) {
	catalog, err := s.vehicleCatalog(c.Request.Context())
	if err != nil {
		s.failInternal(c, err)
		return v, false
	}
	return catalog.Resolve(v), true
}
