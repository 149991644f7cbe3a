#pragma once
// The data check of a whole pipeline: every dataset it declares, opened without its cache
// and read once (dataset_check.hpp). `crackkd check` and `crackkd validate --data` print
// it; `crackkd run` makes it before the first stage, so a wrong root or a broken file
// stops the run at once instead of hours in. The run remembers the datasets' fingerprint (their
// plugins, options and files) once they pass, and checks again only when it changes.

#include "data/batch_check.hpp"
#include "data/dataset_check.hpp"
#include "pipeline/pipeline.hpp"
#include "plugin_host/plugin_host.hpp"

#include <filesystem>

namespace crackkd::data {

/// One check per dataset of `pipeline`, in name order. A dataset that cannot open (no such
/// folder, unpaired files) is a check with that one problem; a dataset whose samples a
/// stage of `needs` cannot stack into batches (batch_check.hpp) has that problem too.
std::vector<DatasetCheck> check_pipeline_data(const pipeline::Pipeline& pipeline, host::PluginHost& host,
                                              const std::vector<BatchNeed>& needs = {});

/// True when a check found a problem.
bool has_problems(const std::vector<DatasetCheck>& checks);
/// True when a check found a problem other than duplicated images (which a run warns
/// about): an unreadable or unpaired file, a mask of another size, a dataset that cannot open.
bool stops_a_run(const std::vector<DatasetCheck>& checks);

/// What the data of `pipeline` is: each dataset's plugin, declared version, options and
/// input fingerprint (its files), and how the stages of `needs` batch it. Equal fingerprints
/// mean the same check.
std::string data_fingerprint(const pipeline::Pipeline& pipeline, host::PluginHost& host, const std::vector<BatchNeed>& needs);

/// `crackkd run`'s check: skipped when `record` holds the current data fingerprint; otherwise
/// the pipeline's data is checked, one line per dataset logged, duplicated images warned
/// about, and the fingerprint written to `record` when nothing stops the run. Throws
/// crackkd::Error naming the problems that do.
void check_data_before_run(const pipeline::Pipeline& pipeline, host::PluginHost& host,
                           const std::filesystem::path& record, const std::vector<BatchNeed>& needs);

}  // namespace crackkd::data
