# Karso PRM — the two commands a newcomer needs are `make run` and `make test`.
.PHONY: run test tools generate build web vet bench clean

run: ## run the whole system on local defaults (PostgreSQL, Temporal, Mailpit, API, worker, cabinets, demo data)
	@bash scripts/run.sh

test: ## every check and test on real parts
	@bash scripts/test.sh

tools: ## install the pinned tools (Temporal CLI, sqlc, stripe-mock, workflowcheck, Mailpit) and PostgreSQL
	@bash -c 'source scripts/lib.sh; temporal_bin; sqlc_bin; stripe_mock_bin; workflowcheck_bin; mailpit_bin; pg_bindir'

generate: ## regenerate db/store from queries/ and the migrations
	@bash -c 'source scripts/lib.sh; "$$(sqlc_bin)" generate'

web: ## build the cabinets into web/dist
	@bash -c 'source scripts/lib.sh; web_build'

build: web ## build the karso binary with the cabinets embedded
	go build -o .data/bin/karso ./cmd/karso

vet:
	go vet ./...

bench: ## the kept benchmarks
	go test -run '^$$' -bench . -benchmem ./...

clean: ## remove local data (database, Temporal history, documents)
	rm -rf .data
