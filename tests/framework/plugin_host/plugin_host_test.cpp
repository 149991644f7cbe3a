#include "plugin_host/abi.hpp"
#include "test_support.hpp"

#include <crackkd/loss.hpp>

#include <ATen/ATen.h>
#include <gmock/gmock.h>

using namespace crackkd;
using ::testing::HasSubstr;

TEST(PluginHost, ListsFirstPartyComponentsFromTheFiles) {
  host::PluginHost host;
  auto report = host.scan({test::first_party_plugins()});
  EXPECT_TRUE(report.refused.empty());
  auto names = host.component_names();
  for (const char* expected : {"dataset.folder", "dataset.synthetic_cracks", "loss.dice", "loss.bce"})
    EXPECT_THAT(names, ::testing::Contains(std::string(expected)));
  EXPECT_EQ(host.names_of_kind("loss"), (std::vector<std::string>{"bce", "dice", "focal", "tversky"}));
  // Listing loaded nothing.
  EXPECT_EQ(host.library_of("loss", "dice").loaded, nullptr);
}

TEST(PluginHost, RefusesAnAbiMismatchWithOneLineAndWithoutLoading) {
  host::PluginHost host;
  auto report = host.scan({test::test_plugins("abi_mismatch")});
  ASSERT_EQ(report.refused.size(), 1u);
  const std::string& line = report.refused[0];
  const std::string sdk = "SDK " + std::to_string(CRACKKD_SDK_VERSION_MAJOR) + "." + std::to_string(CRACKKD_SDK_VERSION_MINOR);
  EXPECT_THAT(line, HasSubstr("crackkd_test_abi_mismatch.so: refused, built for " + sdk + ", LibTorch 99."));
  EXPECT_THAT(line, HasSubstr("; this host expects " + sdk + ", LibTorch " + std::to_string(TORCH_VERSION_MAJOR) + "." +
                                  std::to_string(TORCH_VERSION_MINOR)));
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_FALSE(host.has("loss", "mismatched"));
}

TEST(PluginHost, RefusesADuplicateComponentNamingBothFiles) {
  host::PluginHost host;
  auto message = test::error_of([&] { host.scan({test::first_party_plugins(), test::test_plugins("duplicate")}); });
  EXPECT_THAT(message, HasSubstr("duplicate component loss.dice in "));
  EXPECT_THAT(message, HasSubstr("crackkd_test_duplicate.so"));
  EXPECT_THAT(message, HasSubstr("crackkd_losses.so"));
}

TEST(PluginHost, SkipsFilesThatAreNotPlugins) {
  test::TempDir dir;
  std::filesystem::copy(test::test_plugins("not_a_plugin"), dir.path);
  dir.write("garbage.so", "this is not an ELF file");
  host::PluginHost host;
  auto report = host.scan({dir.path});
  ASSERT_EQ(report.skipped.size(), 2u);
  EXPECT_THAT(report.skipped[0], HasSubstr("garbage.so: not a plugin"));
  EXPECT_THAT(report.skipped[1], HasSubstr("not_a_plugin.so: not a plugin (no CrackKD components"));
  EXPECT_TRUE(host.component_names().empty());
}

TEST(PluginHost, ObjectsKeepTheirLibraryLoaded) {
  std::shared_ptr<Loss> dice;
  {
    host::PluginHost host;
    host.scan({test::first_party_plugins()});
    dice = host.create<Loss>("loss", test::component("dice"));
  }
  // The host (and its handle on the library) is gone; the object's code must still be there.
  auto logits = at::full({1, 1, 4, 4}, 20.0);
  auto target = at::ones({1, 1, 4, 4});
  EXPECT_NEAR(dice->compute(logits, target).item<double>(), 0.0, 1e-6);
}

TEST(PluginHost, ComponentOptionErrorsNameTheKey) {
  auto host = test::make_host();
  auto message = test::config_error([&] { host->create<Loss>("loss", test::component("dice", "epsilon = 1e-6")); });
  EXPECT_EQ(message, "test.toml:1:11: unknown key 'epsilon' (did you mean 'eps'?)");
}

TEST(PluginHost, BeforeSdk1AMinorReleaseMustMatch) {
  AbiDescriptor plugin = host::host_abi();
  const std::string compiler = plugin.compiler;
  EXPECT_EQ(host::abi_mismatch(plugin, compiler), "");
  plugin.sdk_minor = host::host_abi().sdk_minor - 1;  // a plugin built for the previous 0.x SDK
  EXPECT_THAT(host::abi_mismatch(plugin, compiler), HasSubstr("built for SDK 0."));
  plugin.sdk_minor = host::host_abi().sdk_minor + 1;
  EXPECT_THAT(host::abi_mismatch(plugin, compiler), HasSubstr("this host expects SDK 0."));
}
