package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"mime"
	"net/http"

	"github.com/aws/aws-lambda-go/events"

	"github.com/albatross-lb/albatross/examples/seed/internal/albevent"
	"github.com/albatross-lb/albatross/examples/seed/internal/catalog"
)

// reserve books seats from a JSON body. Every problem of the request is reported at once as a 400
// with one entry per field; a seat sold in the meantime is a 409.
func (a *api) reserve(req events.ALBTargetGroupRequest) albevent.Response {
	if mt, _, _ := mime.ParseMediaType(albevent.Header(req, "content-type")); mt != "application/json" {
		return errorResponse(http.StatusUnsupportedMediaType, "UnsupportedMediaType",
			"send the reservation as Content-Type: application/json")
	}
	body, err := albevent.Body(req)
	if err != nil {
		return errorResponse(http.StatusBadRequest, "InvalidBody", err.Error())
	}
	var r catalog.ReservationRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return errorResponse(http.StatusBadRequest, "InvalidJSON", "the body is not a reservation: "+err.Error())
	}
	if dec.More() {
		return errorResponse(http.StatusBadRequest, "InvalidJSON", "the body holds more than one JSON value")
	}
	res, err := a.cat.Reserve(r, a.now())
	var invalid *catalog.ValidationError
	switch {
	case errors.As(err, &invalid):
		return errorResponse(http.StatusBadRequest, "ValidationError", "the reservation has problems", invalid.Fields...)
	case errors.Is(err, catalog.ErrSeatTaken):
		return errorResponse(http.StatusConflict, "SeatTaken", err.Error())
	case err != nil:
		return errorResponse(http.StatusInternalServerError, "InternalError", err.Error())
	}
	return albevent.JSON(http.StatusCreated, res)
}
