#pragma once
// Registration: one macro per component. Include this from plugin sources only.
//
//   struct DiceLoss : crackkd::Loss {
//     using Options = DiceLossOptions;
//     explicit DiceLoss(const Options& o);
//     at::Tensor compute(const at::Tensor& logits, const at::Tensor& target) const override;
//   };
//   CRACKKD_PLUGIN(loss, dice, DiceLoss, "Soft Dice loss, 1 - mean per-image Dice")
//
// The macro exports, in the library's `crackkd` section, a symbol named
// `crackkd_component__loss__dice` pointing at a constant ComponentEntry, so the host lists
// `loss.dice` from the file alone. Every library also exports one ABI symbol whose name
// spells its AbiDescriptor (`crackkd_abi__sdk0_1__torch1_13__gnu__cxx1`), read before
// the library is ever loaded.

#include <crackkd/component.hpp>
#include <crackkd/version.hpp>

#include <boost/dll/alias.hpp>

#include <exception>
#include <string>

#ifndef CRACKKD_PLUGIN_VERSION
#define CRACKKD_PLUGIN_VERSION "0.0.0"
#endif

namespace crackkd::detail {

/// The ABI this library is built with; the host compares it field by field after load.
inline const AbiDescriptor kPluginAbi{CRACKKD_SDK_VERSION_MAJOR, CRACKKD_SDK_VERSION_MINOR, CRACKKD_ABI_TORCH_MAJOR,
                                      CRACKKD_ABI_TORCH_MINOR, CRACKKD_DETAIL_STR(CRACKKD_COMPILER_ID),
                                      CRACKKD_CXX11_ABI};

inline std::string first_line(const char* text) {
  std::string s(text);
  auto end = s.find('\n');
  return end == std::string::npos ? s : s.substr(0, end);
}

template <class Class> std::vector<OptionInfo> options_of() { return describe_options<typename Class::Options>(); }

template <class Class> void validate_options(const Params& p) { (void)parse_options<typename Class::Options>(p); }

template <class Class> std::string input_fingerprint_of(const Params& p) {
  using Options = typename Class::Options;
  if constexpr (requires(const Options& o) { Class::input_fingerprint(o); })
    return Class::input_fingerprint(parse_options<Options>(p));
  else
    return "";
}

/// Builds the component; any failure other than a ConfigError is wrapped with `kind.name`.
template <class Interface, class Class>
std::shared_ptr<void> create_component(const Params& p, const char* qualified_name) {
  auto options = parse_options<typename Class::Options>(p);
  try {
    std::shared_ptr<Interface> object = std::make_shared<Class>(options);
    return object;
  } catch (const ConfigError&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(std::string(qualified_name) + ": " + first_line(e.what()));
  }
}

}  // namespace crackkd::detail

#define CRACKKD_DETAIL_ABI_NAME2(sm, sn, tm, tn, cc, abi) crackkd_abi__sdk##sm##_##sn##__torch##tm##_##tn##__##cc##__cxx##abi
#define CRACKKD_DETAIL_ABI_NAME(sm, sn, tm, tn, cc, abi) CRACKKD_DETAIL_ABI_NAME2(sm, sn, tm, tn, cc, abi)

BOOST_DLL_ALIAS_SECTIONED(::crackkd::detail::kPluginAbi,
                          CRACKKD_DETAIL_ABI_NAME(CRACKKD_SDK_VERSION_MAJOR, CRACKKD_SDK_VERSION_MINOR,
                                                  CRACKKD_ABI_TORCH_MAJOR, CRACKKD_ABI_TORCH_MINOR,
                                                  CRACKKD_COMPILER_ID, CRACKKD_CXX11_ABI),
                          crackkd)

/// Registers `Class` (constructible from `Class::Options`) as component `kind.name`.
/// kind: dataset | transform | noise | model | loss | distiller.
#define CRACKKD_PLUGIN(kind, name, Class, doc_text)                                                            \
  namespace {                                                                                                  \
  std::shared_ptr<void> crackkd_create__##kind##__##name(const ::crackkd::Params& p) {                         \
    return ::crackkd::detail::create_component<::crackkd::kinds::kind, Class>(p, #kind "." #name);             \
  }                                                                                                            \
  }                                                                                                            \
  const ::crackkd::ComponentEntry crackkd_entry__##kind##__##name{                                             \
      #kind, #name, doc_text, CRACKKD_PLUGIN_VERSION, &::crackkd::detail::options_of<Class>,                   \
      &::crackkd::detail::validate_options<Class>, &crackkd_create__##kind##__##name,                          \
      &::crackkd::detail::input_fingerprint_of<Class>};                                                        \
  BOOST_DLL_ALIAS_SECTIONED(crackkd_entry__##kind##__##name, crackkd_component__##kind##__##name, crackkd)
