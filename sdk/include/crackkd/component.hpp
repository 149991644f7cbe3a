#pragma once
// What a plugin library exports for each component, and what the host reads. Plain
// function pointers and C strings: the entry is constant-initialised, so listing it runs
// no code of the plugin.

#include <crackkd/options.hpp>

#include <memory>
#include <vector>

namespace crackkd {

class Dataset;
class Transform;
class Noise;
class SegmentationModel;
class Loss;
class Distiller;

/// The interface behind each component kind, used by CRACKKD_PLUGIN and the host:
/// `dataset`, `transform` (augmentations), `noise` (an intensity per call),
/// `model`, `loss`, `distiller`.
namespace kinds {
using dataset = Dataset;
using transform = Transform;
using noise = Noise;
using model = SegmentationModel;
using loss = Loss;
using distiller = Distiller;
}  // namespace kinds

/// One exported component. `create` returns a `std::shared_ptr<kinds::KIND>` stored as
/// `shared_ptr<void>`; the host casts it back by kind.
struct ComponentEntry {
  const char* kind;
  const char* name;
  const char* doc;
  const char* version;
  std::vector<OptionInfo> (*options)();
  void (*validate)(const Params&);
  std::shared_ptr<void> (*create)(const Params&);
  /// A digest of the data the component reads outside its options (a dataset's files),
  /// so the runner reruns a stage when the data changes; "" when there is none. A class
  /// opts in with `static std::string input_fingerprint(const Options&)`.
  std::string (*input_fingerprint)(const Params&);
};

/// Prefixes of the symbols a plugin exports in its `crackkd` section.
inline constexpr const char* kComponentSymbolPrefix = "crackkd_component__";
inline constexpr const char* kAbiSymbolPrefix = "crackkd_abi__";
inline constexpr const char* kPluginSection = "crackkd";

}  // namespace crackkd
