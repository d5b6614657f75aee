// Package warranty holds the business rules of selling a vehicle warranty: money in
// kopecks and its single rounding rule, the sale statuses, field validation of the
// vehicle, customer and partner requisites (VIN, phone, e-mail, INN, OGRN, bank
// account), tariff price rules and rating, eligibility, risk flags, the upsell-window
// month boundary and the contract number format.
//
// Everything here is pure: no I/O, no clock (the current time is always an argument),
// no map iteration in results, so the same input always gives the same output. That
// lets Temporal workflows call it directly and lets the API, the workflows and the
// tests agree on every rule.
//
// Field errors are Violations whose Field is the JSON name of the input field and
// whose Code selects a Russian (default) or English message, so the API can answer
// {"fields": {"vin": "…"}} in the user's language.
package warranty
