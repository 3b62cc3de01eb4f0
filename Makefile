# Test and demo entry points of the pythonanywhere.pythonanywhere collection.
# Every target bootstraps its own tools into .venv/ (tests/utils/bootstrap.sh) on first use.
# The work lives in tests/utils/*.sh; see tests/utils/README.md.

RUN := bash tests/utils/run-tests.sh

.PHONY: help test bootstrap sanity units simulator-test integration lint changelog-lint \
	docs-lint docs-site molecule build galaxy ee demo clean

help:
	@echo "make test            every stage below over the ansible-core matrix, then a summary (what CI runs: .ci/run)"
	@echo "make sanity          ansible-test sanity (no ignore file)"
	@echo "make units           ansible-test units"
	@echo "make simulator-test  the simulator's own pytest suite"
	@echo "make integration     ansible-test integration against one simulator"
	@echo "                     (sanity, units, integration, molecule: PA_CORES=\"2.18 2.21\" for other ansible-cores)"
	@echo "make lint            ansible-lint --profile production, antsibull-changelog lint"
	@echo "make changelog-lint  antsibull-changelog lint"
	@echo "make docs-lint       antsibull-docs lint-collection-docs --plugin-docs"
	@echo "make docs-site       the documentation site (antsibull-docs + Sphinx) in build/docs-site/build/html"
	@echo "make molecule        molecule test --all for the roles' scenarios"
	@echo "make build           ansible-galaxy collection build/install + ansible-doc smoke check"
	@echo "make galaxy          galaxy-importer (Galaxy's import checks) on the built tarball"
	@echo "make ee              ansible-builder introspect/create, the demo through ansible-runner"
	@echo "make demo            start the simulator, run docs/examples/demo.yml twice, show the webapp"
	@echo "make bootstrap       only create/refresh .venv"
	@echo "make clean           remove build/ (the copy ansible-test runs in) and .venv/"

test:
	@$(RUN) all

bootstrap:
	@bash tests/utils/bootstrap.sh

sanity:
	@$(RUN) sanity

units:
	@$(RUN) units

simulator-test:
	@$(RUN) simulator

integration:
	@$(RUN) integration

lint:
	@$(RUN) lint changelog

changelog-lint:
	@$(RUN) changelog

docs-lint:
	@$(RUN) docs

docs-site:
	@$(RUN) docs-site

molecule:
	@$(RUN) molecule

build:
	@$(RUN) build

galaxy:
	@$(RUN) galaxy

ee:
	@$(RUN) ee

demo:
	@bash tests/utils/demo.sh

clean:
	rm -rf build .venv
