// What holds a stage to its contract (stage_contract.hpp): result names and patterns, the
// reads a running stage makes, and the files it leaves.

#include "stages/stage.hpp"

#include "distributed/process_group.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>

namespace crackkd::stages {

namespace fs = std::filesystem;

bool names_result(const std::string& declared, const std::string& file) {
  const auto open = declared.find('<');
  const auto close = declared.find('>', open);
  if (open == std::string::npos || close == std::string::npos) return declared == file;
  if (declared == file) return true;  // a pattern read as the pattern it is
  const std::string head = declared.substr(0, open), tail = declared.substr(close + 1);
  return file.size() > head.size() + tail.size() && file.compare(0, head.size(), head) == 0 &&
         file.compare(file.size() - tail.size(), tail.size(), tail) == 0;
}

std::string describe_results(const std::vector<ResultFile>& files) {
  std::string always, other;
  for (const auto& f : files) {
    if (f.when.empty()) always += (always.empty() ? "" : ", ") + f.file;
    else other += (other.empty() ? "" : "; ") + f.file + " (" + f.when + ")";
  }
  if (always.empty()) return "writes " + other;
  return "writes " + always + (other.empty() ? "" : "; " + other);
}

bool StageContext::reads_result(const std::string& name, const std::string& file) const {
  return std::any_of(plan->reads.begin(), plan->reads.end(),
                     [&](const ResultRead& r) { return r.stage == name && names_result(r.file, file); });
}

fs::path StageContext::result_of(const std::string& name, const std::string& file, const std::string& folder) const {
  if (!reads_result(name, file))
    throw Error("stage " + stage.name + " (" + stage.kind + ") reads " + file + " of stage " + name +
                ", which its plan does not declare (a bug of the stage kind)");
  return run_dir / name / folder / file;
}

fs::path StageContext::model_of(const std::string& name, const std::string& folder) const {
  for (const auto& r : plan->reads)
    if (r.stage == name && (r.file == results::kBest || r.file == results::kCheckpoint)) return run_dir / name / folder / r.file;
  throw Error("stage " + stage.name + " (" + stage.kind + ") reads the checkpoint of stage " + name +
              ", which its plan does not declare (a bug of the stage kind)");
}

FolderFiles folder_files(const fs::path& folder) {
  FolderFiles files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec))
    if (entry.is_regular_file()) files[entry.path().filename().string()] = entry.last_write_time();
  return files;
}

void check_written(const StageContext& ctx, const FolderFiles& before) {
  if (ctx.group && ctx.group->rank() != 0) return;  // the main rank alone writes
  const auto& plan = *ctx.plan;
  std::vector<std::string> undeclared;
  for (const auto& [file, modified] : folder_files(ctx.out_dir)) {
    const auto old = before.find(file);
    if (old != before.end() && old->second == modified) continue;  // there before, untouched: not this run's
    if (file == results::kStageDone || file == results::kReplicateDone || file == results::kResume) continue;
    if (!plan.writes_file(file)) undeclared.push_back(file);
  }
  std::string missing;
  for (const auto& w : plan.writes)
    if (w.find('<') == std::string::npos && !fs::exists(ctx.out_dir / w)) missing += (missing.empty() ? "" : ", ") + w;
  const std::string who = "stage " + ctx.stage.name + " (" + ctx.stage.kind + ")";
  if (!missing.empty()) throw Error(who + " did not write " + missing + ", which its kind declares it writes");
  if (undeclared.empty()) return;
  const std::string message = who + " wrote " + undeclared.front() + " into " + ctx.out_dir.string() +
                              ", which its kind does not declare (a bug of the stage kind, or a file put there "
                              "while it ran)";
  // An error where the kinds are tested; elsewhere a file a person dropped into the
  // folder must not cost the stage its results.
  if (const char* strict = std::getenv("CRACKKD_STRICT_CONTRACTS"); strict && std::string(strict) == "1")
    throw Error(message);
  spdlog::warn("{}", message);
}

}  // namespace crackkd::stages
