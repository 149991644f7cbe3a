// `crackkd check PIPELINE`: opens every dataset the pipeline declares and reads every
// sample once (data/pipeline_data_check.hpp), so a wrong root, an unreadable file, a mask
// of another size or an image in two splits shows up before any training. Datasets that
// cache are opened without their cache, so that every bad file is listed instead of the
// first one stopping the dataset; the training stages' batches are tried on the data
// set's sizes (data/batch_check.hpp). Exit code 1 when a problem was found.

#include "app/batch_needs.hpp"
#include "app/commands.hpp"
#include "app/host_setup.hpp"
#include "data/pipeline_data_check.hpp"
#include "pipeline/pipeline.hpp"
#include "runner/plan.hpp"

#include <spdlog/spdlog.h>

#include <iostream>

namespace crackkd::app {

int check_command(const Common& common, const CheckArgs& args) {
  auto host = scanned_host(common);
  // The datasets only: a pipeline whose teacher is not trained yet can have its data checked.
  const auto pipeline = pipeline::load_pipeline(args.pipeline, args.overrides);
  // The stages' batches too, when the stages validate (a missing teacher file does not
  // stop the data's check; `crackkd validate` names it).
  std::vector<data::BatchNeed> needs;
  try {
    needs = batch_needs(runner::validate_pipeline(pipeline, *host));
  } catch (const ConfigError& e) {
    spdlog::warn("the stages of {} do not validate, so their batch sizes are not checked: {}", args.pipeline.string(),
                 e.what());
  }
  const auto checks = data::check_pipeline_data(pipeline, *host, needs);
  std::cout << (args.json ? data::check_json(checks) : data::check_table(checks)) << std::flush;
  return data::has_problems(checks) ? 1 : 0;
}

}  // namespace crackkd::app
