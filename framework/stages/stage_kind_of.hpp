#pragma once
// A stage kind with its options type: `StageKindOf<Options>` parses the [stages.NAME]
// table into `Options` once, at validation, and hands the same struct to `run`, so a kind
// and its options are linked at compile time. The kind declares its result files once
// (`results`): they become its plan's writes, its documentation's list, and what the
// stage is held to after it ran (check_written). Options deriving from CommonStageOptions
// get `after` checked and ordered here. A kind is one file that registers itself:
//
//   struct EchoOptions {
//     std::string text;
//     static void declare(OptionSchema<EchoOptions>& s) { s.required("text", &EchoOptions::text, "what to write"); }
//   };
//   class EchoStage : public StageKindOf<EchoOptions> {
//    public:
//     const char* name() const override { return "echo"; }
//     const char* summary() const override { return "Writes its text to a file"; }
//     std::vector<Result> results() const override { return {{"echo.txt"}}; }
//     StagePlan plan(const EchoOptions&, const pipeline::StageConfig&, const pipeline::Pipeline&,
//                    host::PluginHost&) const override { return {}; }
//     void run(StageContext& ctx, const EchoOptions& o) const override { ... ctx.out_dir / "echo.txt" ... }
//   };
//   CRACKKD_STAGE_KIND(EchoStage, 60)
//
// (tests/framework/stages/stage_kind_of_test.cpp is that kind, run by a pipeline.)

#include "stages/common_options.hpp"
#include "stages/stage.hpp"

#include <crackkd/options.hpp>

#include <functional>
#include <memory>
#include <type_traits>

namespace crackkd::stages {

template <class Options>
class StageKindOf : public StageKind {
 public:
  /// A result file the kind writes into its folder: a name, or a pattern (names_result).
  /// `when` = "" means always; else `written` tells from the options whether it is, or,
  /// left empty, the stage writes it or not depending on the data (`may_write`).
  struct Result {
    std::string file;
    std::string when;
    std::function<bool(const Options&)> written;
  };

  std::vector<OptionInfo> options() const final { return describe_options<Options>(); }

  std::string doc() const final {
    std::vector<ResultFile> files;
    for (const auto& r : results()) files.push_back({r.file, r.when});
    return std::string(summary()) + "; " + describe_results(files);
  }

  StagePlan plan(const pipeline::StageConfig& stage, const pipeline::Pipeline& pipeline,
                 host::PluginHost& host) const final {
    auto options = std::make_shared<Held>();
    options->value = parse_options<Options>(stage.params);
    StagePlan p = plan(options->value, stage, pipeline, host);
    if constexpr (std::is_base_of_v<CommonStageOptions, Options>) plan_common(options->value, stage, pipeline, p);
    for (const auto& r : results()) {
      if (r.when.empty() || (r.written && r.written(options->value))) p.writes.push_back(r.file);
      else if (!r.written) p.may_write.push_back(r.file);
    }
    p.options = std::move(options);
    return p;
  }

  void link(const pipeline::StageConfig& stage, StagePlan& own,
            const std::map<std::string, StagePlan>& plans) const final {
    link(options_of(own), stage, own, plans);
  }

  void run(StageContext& context) const final {
    const auto before = folder_files(context.out_dir);
    run(context, options_of(*context.plan));
    check_written(context, before);
  }

 protected:
  /// One line on what the kind does; doc() adds the result files.
  virtual const char* summary() const = 0;
  /// Every result file the kind writes into its folder.
  virtual std::vector<Result> results() const = 0;
  /// Checks every reference and component of `options`; throws ConfigError. The plan's
  /// writes come from `results`, its `after` from CommonStageOptions.
  virtual StagePlan plan(const Options& options, const pipeline::StageConfig& stage, const pipeline::Pipeline& pipeline,
                         host::PluginHost& host) const = 0;
  /// Once every stage is planned (StageKind::link); most kinds have nothing to add.
  virtual void link(const Options& /*options*/, const pipeline::StageConfig& /*stage*/, StagePlan& /*own*/,
                    const std::map<std::string, StagePlan>& /*plans*/) const {}
  virtual void run(StageContext& context, const Options& options) const = 0;

 private:
  struct Held : StageOptions {
    Options value;
  };

  /// The options this kind's `plan` put into `plan`: another kind's plan here is a bug.
  const Options& options_of(const StagePlan& plan) const {
    const auto* held = dynamic_cast<const Held*>(plan.options.get());
    if (!held) throw Error(std::string("stage kind ") + name() + " was given a plan it did not make");
    return held->value;
  }
};

/// Adds `kind` to the kinds the runner knows (stage_kinds()), at `position` in the order
/// the documentation lists them (train 10, distill 20, evaluate 30, benchmark 40, report
/// 50). Returns true; a second kind of one name is a bug, reported when the kinds are
/// first listed.
bool register_stage_kind(std::unique_ptr<StageKind> kind, int position);

}  // namespace crackkd::stages

/// Registers `Kind` (default-constructed) when the program starts: the one line a new
/// kind's file adds. The stages library is linked whole (framework/CMakeLists.txt), so a
/// kind nothing else refers to is not left out of the executable.
#define CRACKKD_STAGE_KIND(Kind, position)                                                  \
  namespace {                                                                               \
  [[maybe_unused]] const bool registered_##Kind =                                           \
      ::crackkd::stages::register_stage_kind(std::make_unique<Kind>(), position);           \
  }
