# The two commands of the README. Each installs missing Debian packages, then
# configures and builds incrementally with CMake + Ninja into build/.
BUILD ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)

.PHONY: all deps configure build demo test bench bench-growth bench-live swarm live live-faults clean

all: build

deps:
	@bash cmake/install-deps.sh

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

configure: deps $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	@mkdir -p reports
	$(BUILD)/clsim run --suite $$(ls scenarios/*.lua | grep -v '\.d\.lua$$') \
	  --report reports/latest.json --html reports/latest.html

# Everything but the live-faults suite (minutes of kill -9 and lost Redis: make live-faults).
test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -LE live-faults

# Every family but the growth runs (make bench-growth), then the goals beside today's
# figures with the BullMQ peer run on a redis-server of its own (README "Benchmarks").
bench: build
	cmake --build $(BUILD) --target clsim_bench_ratios -j $(JOBS)
	@mkdir -p reports
	$(BUILD)/bench/clsim_bench --benchmark_filter=-Growth --benchmark_out=reports/bench.json --benchmark_out_format=json
	$(BUILD)/bench/ratios/clsim_bench_ratios reports/bench.json --out reports/bench-ratios.json

# BM_LifecycleWeek at 100, 1,000 and 10,000 campaigns: wall time and memory per campaign.
bench-growth: build
	@mkdir -p reports
	$(BUILD)/bench/clsim_bench --benchmark_filter=Growth --benchmark_out=reports/bench-growth.json --benchmark_out_format=json

# Load on loopback against real redis-server, mockd and serve children, and the
# BullMQ peer (README "Live load"); BENCH_LIVE_ARGS e.g. --clients 1000 --repeat 1.
bench-live: build
	cmake --build $(BUILD) --target clsim_live_bench -j $(JOBS)
	@mkdir -p reports
	$(BUILD)/bench/live/clsim_live_bench --out reports/bench-live.json $(BENCH_LIVE_ARGS)

# The standard 200-seed random swarm (ctest swarm.random_200 runs the same seeds in make test).
swarm: build
	@mkdir -p reports
	$(BUILD)/clsim swarm --random --seeds 1..200 --jobs $(JOBS) --timeout-s 120 \
	  --require tests/swarm/required_coverage.txt --out reports/swarm

# The live stack on loopback: redis-server, clsim mockd and clsim serve (README "Live mode").
live: build
	@CLSIM=$(BUILD)/clsim bash deploy/live-local.sh

# Real processes broken as production breaks them (ctest label live-faults); one at a
# time, since each kills and restarts its own stack on a timetable.
live-faults: build
	cd $(BUILD) && ctest --output-on-failure -L live-faults

clean:
	rm -rf $(BUILD)
