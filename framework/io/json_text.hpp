#pragma once
// JSON text for the files and outputs CrackKD writes by hand (export metadata,
// `crackkd check --json`): one escaping rule, in one place.

#include <string>

namespace crackkd::io {

/// `text` as a JSON string literal: quotes, backslashes and control characters escaped.
/// Example: json_quoted("a \"b\"") == "\"a \\\"b\\\"\"".
std::string json_quoted(const std::string& text);

}  // namespace crackkd::io
