// Threads that obey: the median training step of `crackkd run` (PCT, batch 2, 224x224,
// synthetic cracks, 21 steps, the first one dropped) with `[pipeline] threads = 1`, with
// OMP_NUM_THREADS=1 in the environment, with the default (every core), and as `run -j 2`
// runs its workers: two processes with one thread each at the same time. Each run is the
// real binary; steps are timed from its per-step debug lines.
//
//   build/bin/bench_threads [--size 224] [--steps 21]

#include "bench_support.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

std::string pipeline_text(int size, int steps, bool one_thread) {
  std::ostringstream p;
  p << "[pipeline]\nseed = 1\ndevice = \"cpu\"\n" << (one_thread ? "threads = 1\n" : "")
    << "[datasets.train]\nplugin = \"synthetic_cracks\"\ncount = " << 2 * steps << "\nsize = " << size << "\n"
    << "[models.student]\nplugin = \"pct\"\n"
    << "[stages.train]\nkind = \"train\"\nmodel = \"student\"\ndata = \"train\"\nepochs = 1\nbatch_size = 2\n";
  return p.str();
}

/// Milliseconds since midnight of a log line's "[YYYY-MM-DD HH:MM:SS.mmm]".
double stamp_ms(const std::string& line) {
  static const std::regex time(R"(\[\d{4}-\d\d-\d\d (\d\d):(\d\d):(\d\d)\.(\d{3})\])");
  std::smatch m;
  if (!std::regex_search(line, m, time)) return -1;
  return ((std::stod(m[1]) * 60 + std::stod(m[2])) * 60 + std::stod(m[3])) * 1000 + std::stod(m[4]);
}

/// The median time between consecutive step lines of `log`, the first step left out (warm-up).
double median_step_ms(const fs::path& log) {
  std::ifstream in(log);
  std::vector<double> stamps, steps;
  for (std::string line; std::getline(in, line);)
    if (line.find("[debug]") != std::string::npos && line.find("(step ") != std::string::npos)
      stamps.push_back(stamp_ms(line));
  for (std::size_t i = 2; i < stamps.size(); ++i) steps.push_back(stamps[i] - stamps[i - 1]);
  if (steps.empty()) return -1;
  std::sort(steps.begin(), steps.end());
  return steps[steps.size() / 2];
}

/// Starts `crackkd run` on a fresh copy of the pipeline in `dir`, as a shell job.
std::string run_line(const fs::path& dir, const std::string& name, const std::string& pipeline, const std::string& env) {
  fs::create_directories(dir / name);
  std::ofstream(dir / name / (name + ".toml")) << pipeline;
  return env + " " CRACKKD_BENCH_BINARY " --log-level debug run --no-data-check " + (dir / name / (name + ".toml")).string() +
         " --workdir " + (dir / name).string() + " > " + (dir / name / "out.txt").string() + " 2>&1";
}

double step_ms(const fs::path& dir, const std::string& name) {
  return median_step_ms(dir / name / name / "log.txt");
}

}  // namespace

int main(int argc, char** argv) {
  int size = 224, steps = 21;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--size") size = std::stoi(argv[i + 1]);
    else if (a == "--steps") steps = std::stoi(argv[i + 1]);
    else {
      std::cerr << "unknown option " << a << "\n";
      return 2;
    }
  }
  const fs::path dir = fs::temp_directory_path() / ("crackkd_bench_threads_" + std::to_string(::getpid()));
  const std::string base_env = "env -u OMP_NUM_THREADS -u OMP_WAIT_POLICY";
  crackkd::bench::run_command(run_line(dir, "pipeline_threads", pipeline_text(size, steps, true), base_env));
  crackkd::bench::run_command(run_line(dir, "omp_num_threads", pipeline_text(size, steps, false), base_env + " OMP_NUM_THREADS=1"));
  crackkd::bench::run_command(run_line(dir, "every_core", pipeline_text(size, steps, false), base_env));
  // As `crackkd run -j 2` starts its workers: one thread each, sleeping while they wait.
  crackkd::bench::run_command(run_line(dir, "side_a", pipeline_text(size, steps, true), base_env + " OMP_WAIT_POLICY=passive") +
                              " & " + run_line(dir, "side_b", pipeline_text(size, steps, true), base_env + " OMP_WAIT_POLICY=passive") +
                              " ; wait");
  const double by_pipeline = step_ms(dir, "pipeline_threads"), by_env = step_ms(dir, "omp_num_threads");
  const double every = step_ms(dir, "every_core"), side_a = step_ms(dir, "side_a"), side_b = step_ms(dir, "side_b");
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::printf("PCT training step, batch 2, %dx%d, median of %d steps, crackkd run:\n", size, size, steps - 1);
  std::printf("  [pipeline] threads = 1      %8.1f ms\n", by_pipeline);
  std::printf("  OMP_NUM_THREADS=1           %8.1f ms\n", by_env);
  std::printf("  ratio (pipeline / env)      %8.3f\n", by_pipeline / by_env);
  std::printf("  every core (%u threads)      %8.1f ms\n", cores, every);
  std::printf("  two 1-thread runs at once   %8.1f and %.1f ms: %.2fx the steps per second of one run on every core\n",
              side_a, side_b, (1000 / side_a + 1000 / side_b) / (1000 / every));
  if (by_pipeline < 0 || by_env < 0 || every < 0 || side_a < 0 || side_b < 0)
    std::printf("a run failed: see %s\n", dir.string().c_str());
  else
    fs::remove_all(dir);
  return 0;
}
