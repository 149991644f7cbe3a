// Crack widths grouped in classes by their bounds: names, edges, and bad bounds named.

#include "measurement/width_classes.hpp"

#include <crackkd/error.hpp>

#include <gmock/gmock.h>

using crackkd::measurement::check_width_classes;
using crackkd::measurement::width_class;
using ::testing::HasSubstr;

namespace {

TEST(WidthClasses, AWidthFallsInTheClassItsBoundsEnclose) {
  const std::vector<double> bounds{0.1, 0.3, 1, 3};
  EXPECT_EQ(width_class(0.05, bounds), "<0.1");
  EXPECT_EQ(width_class(0.1, bounds), "0.1-0.3");  // on a bound: the class above
  EXPECT_EQ(width_class(0.29, bounds), "0.1-0.3");
  EXPECT_EQ(width_class(0.7, bounds), "0.3-1");
  EXPECT_EQ(width_class(2.5, bounds), "1-3");
  EXPECT_EQ(width_class(3, bounds), ">=3");
  EXPECT_EQ(width_class(12, bounds), ">=3");
  EXPECT_EQ(width_class(0.2, {0.25}), "<0.25");
  EXPECT_EQ(width_class(0.2, {}), "");
}

TEST(WidthClasses, BoundsThatDoNotAscendOrAreNotWidthsAreNamed) {
  EXPECT_NO_THROW(check_width_classes({0.2, 0.5}, "--width-classes"));
  try {
    check_width_classes({0.3, 0.1, 1}, "--width-classes");
    FAIL();
  } catch (const crackkd::Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("--width-classes 0.3,0.1,1: the bounds must ascend (0.3 then 0.1)"));
  }
  EXPECT_THROW(check_width_classes({0, 1}, "--width-classes"), crackkd::Error);
  EXPECT_THROW(check_width_classes({}, "--width-classes"), crackkd::Error);
}

}  // namespace
