# Packages, the install test, benchmarks and icons. Tests: scripts/test.sh; run: scripts/run.sh.
# (docs/packages.md, docs/benchmarks.md)
.PHONY: deb deb-debug baseline-deb package-test package-test-debug bench icons

# The clipboard plugin's npm package (2.3) and crate (2.5) differ in minor version, which
# `tauri build` refuses by default; they are compatible (docs/packages.md).
TAURI_BUILD = npx tauri build --ignore-version-mismatches

# Release .deb and .rpm of the app: target/release/bundle/{deb,rpm}/
deb:
	$(TAURI_BUILD) --bundles deb,rpm

# The same from the debug build scripts/test.sh already made: seconds instead of minutes.
deb-debug:
	$(TAURI_BUILD) --debug --bundles deb

# The empty Tauri 2 app the benchmarks compare against.
baseline-deb:
	cd benches/baseline && npx tauri build --bundles deb --ignore-version-mismatches

# Install the .deb, start it headless, check it, remove and purge it (root or sudo).
package-test: deb
	scripts/package-test.sh

package-test-debug: deb-debug
	scripts/package-test.sh --debug

# Release builds of the app, the baseline and the harness, then N=5 runs of everything:
# target/bench/results.md (+ .json). BENCH_N, BENCH_SKIP_BUILD, BENCH_WATCH: see the script.
bench:
	scripts/bench.sh

# Every icon size the bundlers want, from icons/source.png.
icons:
	scripts/make-icons.sh
