#pragma once
// Pipelines built on shared files. A pipeline may start with
//
//   include = ["base.toml", "masonry_data.toml"]
//
// (paths relative to the including file). Each included file, itself with its own
// includes merged first, is merged in order, and the including file's keys go on top:
// tables merge key by key (a [stages.rfkd] that sets only `epochs` keeps the rest of the
// included [stages.rfkd]), except a component table that names its `plugin`, which is a
// new component and replaces the one below whole (`distiller = { plugin = "cwd" }` takes
// none of an included NKD's options; `distiller = { temperature = 4 }` adjusts them); any
// other value replaces the included one whole. Every
// value keeps the file, line and column it came from, so an error inside an included
// file names that file.

#include <crackkd/params.hpp>

#include <filesystem>

namespace crackkd::pipeline {

/// `file` parsed with its includes merged (see above), `include` itself removed. Throws
/// ConfigError at the include's position for an include that is not an array of strings,
/// a file that does not exist, or a file that includes itself, directly or not.
Params parse_with_includes(const std::filesystem::path& file);

/// `top` merged onto `base`: tables key by key, components naming a plugin and other
/// values replaced.
Params merged(const Params& base, const Params& top);

}  // namespace crackkd::pipeline
