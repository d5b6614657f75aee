# Multi-stage build of the karso binary with the cabinets embedded.
FROM node:20-bookworm-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=web /src/web/dist ./web/dist
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/karso ./cmd/karso

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/karso /usr/local/bin/karso
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/karso"]
CMD ["api"]
