#pragma once
// TOML text ↔ Params. Parsing records every value's file, line and column and expands
// `${NAME}` / `${NAME:-default}` from the environment in strings; `--set a.b=value`
// overrides are applied on the parsed tree; `to_toml` writes Params back as canonical
// TOML (sorted keys), used for stage fingerprints and in checkpoints.

#include <crackkd/params.hpp>

#include <filesystem>
#include <string>

namespace crackkd::pipeline {

/// Parses a TOML file. Throws ConfigError `file:line:col: message` on malformed TOML or an
/// unset environment variable.
Params parse_toml_file(const std::filesystem::path& file);

/// Parses TOML text; `origin` names it in messages (e.g. a checkpoint's path).
Params parse_toml_text(const std::string& text, const std::string& origin);

/// Applies one `a.b.c=value` override. The value is read as TOML when it parses (5, 1e-3,
/// true, [1, 2], "x") and as a bare string otherwise; the raw text is kept, so an option
/// of string type receives exactly what was typed. A `*` in the path matches every table
/// at its level that has the rest of the path (`stages.*.epochs=500`).
void apply_override(Params& root, const std::string& assignment);

/// `${NAME}` and `${NAME:-default}` expansion; throws ConfigError at `where` for an unset
/// variable without default.
std::string expand_environment(const std::string& text, const SourceLocation& where);

/// Canonical TOML for a table's contents (one `key = value` per line, sorted, nested
/// tables inline). Equal Params give equal text.
std::string to_toml(const Params& params);
/// Canonical TOML text of one value.
std::string to_toml(const Value& value);

}  // namespace crackkd::pipeline
