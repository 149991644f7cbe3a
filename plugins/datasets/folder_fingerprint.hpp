#pragma once
// What a folder data set's stages depend on: the names and the bytes of its files. Not
// their modification times: a data set copied to another disk, unpacked from an archive
// or laid anew on the next machine (cp, unzip and rsync without -t all give new times) is
// the same data, and its finished or half-finished training must be kept, not rerun.

#include <filesystem>
#include <string>
#include <vector>

namespace crackkd::datasets {

/// "N files <hash>" over the regular files of root/<sub> for each sub, by name, size and
/// content. Each file is read once per process (remembered by path, size and time), so
/// the stages of one run share the cost: masonry224's train split (338 files, 16 MB)
/// took 45 ms, then 7 ms remembered, on the 2-core development machine.
std::string folder_fingerprint(const std::filesystem::path& root, const std::vector<std::string>& subs);

}  // namespace crackkd::datasets
