#include "report/csv_table.hpp"

#include <crackkd/error.hpp>

#include <gtest/gtest.h>

#include <fstream>

using namespace crackkd::report;

namespace {
std::filesystem::path write_file(const std::string& name, const std::string& text) {
  const auto file = std::filesystem::temp_directory_path() / ("crackkd_csv_test_" + name);
  std::ofstream(file) << text;
  return file;
}
}  // namespace

TEST(CsvTable, ReadsQuotedFieldsAndNumbers) {
  const auto t = read_csv(write_file("ok.csv", "model,checkpoint,mDS\nrfkd,\"a,b.pt\",0.75\n\"say \"\"x\"\"\",c,1e-3\n"));
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0][t.column("checkpoint")], "a,b.pt");
  EXPECT_EQ(t.rows[1][0], "say \"x\"");
  EXPECT_DOUBLE_EQ(t.number(0, "mDS"), 0.75);
  EXPECT_DOUBLE_EQ(t.number(1, "mDS"), 1e-3);
}

TEST(CsvTable, ErrorsNameTheFileLineAndColumn) {
  const auto t = read_csv(write_file("text.csv", "model,mDS\n\nrfkd,high\n"));
  try {
    t.number(0, "mDS");
    FAIL();
  } catch (const crackkd::Error& e) {
    EXPECT_NE(std::string(e.what()).find("text.csv:3, column 'mDS': 'high'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(t.column("mIoU"), crackkd::Error);
  EXPECT_THROW(read_csv(write_file("ragged.csv", "a,b\n1,2,3\n")), crackkd::Error);
  EXPECT_FALSE(read_csv_if_present("/nonexistent/x.csv").has_value());
}
