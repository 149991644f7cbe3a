#pragma once
// Exceptions that carry their context (file, key, plugin) so the CLI can print one line.

#include <stdexcept>
#include <string>

namespace crackkd {

/// Where a configuration value came from. Example: `{"pipelines/q.toml", 12, 5}`;
/// `{"--set", 0, 0}` for a command-line override.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;

  /// "file:line:col", or just "file" when the position is unknown.
  std::string str() const {
    if (line <= 0) return file;
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
  }
};

/// Any CrackKD failure; the message already names what failed and where.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A bad pipeline or option: the CLI prints `file:line:col: message` and exits with 2.
/// Example: `throw ConfigError(loc, "stages.train.epochs: expected an integer, got \"x\"")`.
class ConfigError : public Error {
 public:
  ConfigError(SourceLocation where, const std::string& message)
      : Error(where.str().empty() ? message : where.str() + ": " + message),
        where_(std::move(where)),
        bare_message_(message) {}
  const SourceLocation& where() const { return where_; }
  const std::string& bare_message() const { return bare_message_; }

 private:
  SourceLocation where_;
  std::string bare_message_;
};

}  // namespace crackkd
