#pragma once
// The one content hash of the host (64-bit FNV-1a, as 16 hex digits or as a number):
// stage fingerprints, the build a stage ran with, the files a stage reads from outside
// the pipeline, and the keys of random streams. Not cryptographic: it tells versions of
// our own files apart, it does not resist forgery.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace crackkd::io {

/// Hash of `text`, "cbf29ce484222325" for "".
std::string content_hash(std::string_view text);
/// The same hash as a number: 0xcbf29ce484222325 for "".
std::uint64_t content_key(std::string_view text);

/// Hash of a file's bytes, read in blocks; throws crackkd::Error naming an unreadable file.
std::string file_hash(const std::filesystem::path& file);

}  // namespace crackkd::io
