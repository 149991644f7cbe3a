#pragma once
// Stages that start from another stage's keys, so a comparison of four distillers reads
// as one full stage and three lines each:
//
//   [stages.nkd]
//   kind = "distill"
//   …                          # teacher, data, noise mix, augmentation, epochs
//   distiller = { plugin = "nkd" }
//
//   [stages.cwd]
//   extends   = "nkd"          # every key of stages.nkd, kind included …
//   distiller = { plugin = "cwd" }   # … but this one
//
// The extended stage's keys are merged under the stage's own as includes merge files
// (pipeline_includes.hpp: tables key by key, a component naming its plugin and other
// values replaced); chains are followed.
// Only keys are shared: the stages run, and are fingerprinted, independently.

#include <crackkd/params.hpp>

#include <string>

namespace crackkd::pipeline {

/// The table of stage `name` in `stages` (the [stages] table) with its `extends` chain
/// merged in and `extends` removed. Throws ConfigError at the `extends` value when it is
/// not a string, names no stage, or when stages extend each other.
Params extended_stage(const Params& stages, const std::string& name);

}  // namespace crackkd::pipeline
