#pragma once
// The image files a command is given: files and folders (their images, not recursing),
// results already in the output folder left out; and the exit code that names those it
// could not read.

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace crackkd::app {

/// Whether the file's extension names an image format OpenCV reads (.png .jpg .jpeg .bmp
/// .tif .tiff .webp, any case).
bool is_image_name(const std::filesystem::path& p);

/// The images named by `inputs`, in the order given (a folder's sorted by name). Files in
/// `out` are results of an earlier run, never inputs: a second run into the same folder
/// would otherwise take them in. `who` ("infer") begins every message.
std::vector<std::filesystem::path> collect_images(const std::vector<std::filesystem::path>& inputs,
                                                  const std::filesystem::path& out, const std::string& who);

/// A unique prefix for `file`'s outputs: its stem, then _2, _3, … on a repeat.
std::string unique_stem(const std::filesystem::path& file, std::set<std::string>& used);

/// 0 when nothing was skipped; else 1, after one line on stderr naming the unreadable
/// files ("error: 2 unreadable images skipped: a.png, b.png").
int exit_code_naming(const std::vector<std::string>& skipped, const std::string& what);

}  // namespace crackkd::app
