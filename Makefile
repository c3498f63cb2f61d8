# Drawbridge: the two commands a newcomer needs.
#   make run    install what is missing, build, and start the app with demo data
#   make test   install what is missing, start the test servers, run every test
.PHONY: run test deps deps-app ui build bench serve clean

# Built the way `make test` builds (every package, with its tests), so that
# the two commands share one build instead of resolving features apart.
run: deps-app ui
	mkdir -p .drawbridge/inbox
	cp -n demo/inbox/*.eml .drawbridge/inbox/ 2>/dev/null || true
	@# The app's screens save settings into this copy, never into demo/.
	cp -n demo/drawbridge.toml .drawbridge/drawbridge.toml
	cargo build --workspace --lib --bins --tests --locked
	@if [ -n "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
	  DRAWBRIDGE_CONFIG=.drawbridge/drawbridge.toml target/debug/drawbridge-app; \
	else \
	  echo "No display: running the headless engine instead (drawbridge serve). Ctrl-C to stop."; \
	  target/debug/drawbridge --config .drawbridge/drawbridge.toml serve; \
	fi

test: deps ui
	bash tests/run.sh

deps:
	bash scripts/deps.sh test

deps-app:
	bash scripts/deps.sh app

ui:
	cd ui && npm run build

build: ui
	cargo build --workspace --lib --bins --tests --locked

serve:
	DRAWBRIDGE_CONFIG=demo/drawbridge.toml cargo run -p drawbridge-cli -- serve

bench:
	cargo bench -p drawbridge-engine

clean:
	rm -rf .drawbridge ui/dist
