#pragma once
// A stage kind with its options type: `StageKindOf<Options>` parses the [stages.NAME]
// table into `Options` once, at validation, and hands the same struct to `run`, so a kind
// and its options are linked at compile time. A kind is one file that registers itself:
//
//   struct EchoOptions {
//     std::string text;
//     static void declare(OptionSchema<EchoOptions>& s) { s.required("text", &EchoOptions::text, "what to write"); }
//   };
//   class EchoStage : public StageKindOf<EchoOptions> {
//    public:
//     const char* name() const override { return "echo"; }
//     const char* doc() const override { return "Writes its text to echo.txt"; }
//     StagePlan plan(const EchoOptions&, const pipeline::StageConfig&, const pipeline::Pipeline&,
//                    host::PluginHost&) const override { StagePlan p; p.writes = {"echo.txt"}; return p; }
//     void run(StageContext& ctx, const EchoOptions& o) const override { ... }
//   };
//   CRACKKD_STAGE_KIND(EchoStage, 60)
//
// (tests/framework/stages/stage_kind_of_test.cpp is that kind, run by a pipeline.)

#include "stages/stage.hpp"

#include <crackkd/options.hpp>

#include <memory>
#include <typeinfo>

namespace crackkd::stages {

template <class Options>
class StageKindOf : public StageKind {
 public:
  std::vector<OptionInfo> options() const final { return describe_options<Options>(); }

  StagePlan plan(const pipeline::StageConfig& stage, const pipeline::Pipeline& pipeline,
                 host::PluginHost& host) const final {
    auto options = std::make_shared<Held>();
    options->value = parse_options<Options>(stage.params);
    StagePlan p = plan(options->value, stage, pipeline, host);
    p.options = std::move(options);
    return p;
  }

  void link(const pipeline::StageConfig& stage, StagePlan& own,
            const std::map<std::string, StagePlan>& plans) const final {
    link(options_of(own), stage, own, plans);
  }

  void run(StageContext& context) const final { run(context, options_of(*context.plan)); }

 protected:
  /// Checks every reference and component of `options`; throws ConfigError.
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
