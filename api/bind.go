package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/go-playground/validator/v10"
)

// maxBodyBytes bounds every request body.
const maxBodyBytes = 1 << 20

var validate = newValidator()

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	// Errors name fields as the client sent them: by their JSON name.
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	return v
}

// bindJSON decodes a JSON body strictly (unknown fields, wrong types and trailing data are
// errors) and validates it. On failure it has already answered the client and returns false.
func bindJSON(c *gin.Context, dst any) bool {
	return decodeJSON(c, dst) && validStruct(c, dst)
}

// decodeJSON is bindJSON without the validation, for handlers that add rule checks of their
// own and answer every failing field at once.
func decodeJSON(c *gin.Context, dst any) bool {
	if ct := c.ContentType(); ct != "" && ct != "application/json" {
		fail(c, http.StatusUnsupportedMediaType, "unsupported_media")
		return false
	}
	dec := json.NewDecoder(c.Request.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		answerDecodeError(c, err)
		return false
	}
	if dec.More() {
		fail(c, http.StatusBadRequest, "malformed_json")
		return false
	}
	if _, err := dec.Token(); err != io.EOF {
		fail(c, http.StatusBadRequest, "malformed_json")
		return false
	}
	// a text that neither PostgreSQL nor a workflow's history can hold stops here, before
	// anything is saved or sent to a sale
	if fields := textErrors(lang(c), dst); len(fields) > 0 {
		failFields(c, fields)
		return false
	}
	return true
}

// validStruct runs the struct's `validate` tags and answers 422 with every failing field.
func validStruct(c *gin.Context, dst any) bool {
	if fields := structErrors(c, dst); len(fields) > 0 {
		failFields(c, fields)
		return false
	}
	return true
}

// structErrors checks the struct's `validate` tags and names every failing field by its JSON
// name, in the caller's language.
func structErrors(c *gin.Context, dst any) map[string]string {
	fields := map[string]string{}
	var verrs validator.ValidationErrors
	if err := validate.Struct(dst); !errors.As(err, &verrs) {
		return fields
	}
	l := lang(c)
	for _, fe := range verrs {
		name := jsonPath(fe.Namespace())
		if _, seen := fields[name]; seen {
			continue
		}
		if fe.Param() != "" {
			fields[name] = fieldMessage(l, fe.Tag(), strings.ReplaceAll(fe.Param(), " ", ", "))
		} else {
			fields[name] = fieldMessage(l, fe.Tag())
		}
	}
	return fields
}

// jsonPath turns "createUserRequest.bank.bik" into "bank.bik".
func jsonPath(ns string) string {
	if _, rest, ok := strings.Cut(ns, "."); ok {
		return rest
	}
	return ns
}

func answerDecodeError(c *gin.Context, err error) {
	var (
		syntax  *json.SyntaxError
		typeErr *json.UnmarshalTypeError
		tooBig  *http.MaxBytesError
	)
	l := lang(c)
	switch {
	case errors.As(err, &tooBig):
		fail(c, http.StatusRequestEntityTooLarge, "body_too_large")
	case errors.Is(err, io.EOF):
		fail(c, http.StatusBadRequest, "empty_body")
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		fail(c, http.StatusBadRequest, "malformed_json")
	case errors.As(err, &typeErr):
		failFields(c, map[string]string{typeErr.Field: fieldMessage(l, "wrong_type", jsonTypeName(typeErr.Type))})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		failFields(c, map[string]string{name: fieldMessage(l, "unknown_field")})
	default:
		fail(c, http.StatusBadRequest, "malformed_json")
	}
}

func jsonTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Pointer:
		return jsonTypeName(t.Elem())
	default:
		return "object"
	}
}
