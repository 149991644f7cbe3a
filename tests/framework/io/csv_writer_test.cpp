#include "io/csv_writer.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>

#include <cmath>

using crackkd::io::CsvWriter;
using crackkd::io::Score;

TEST(CsvWriter, ScoresHaveSixDecimalsAndAnUndefinedOneIsEmpty) {
  crackkd::test::TempDir dir;
  CsvWriter csv(dir.path / "scores.csv", {"model", "mDS", "AP", "threshold"});
  csv.row("collapsed", Score{3.99447e-11}, Score{std::nan("")}, 0.05);
  csv.row("good, tuned", Score{0.7123456789}, Score{1.0}, 0.5);
  csv.commit();
  EXPECT_EQ(crackkd::test::read_file(dir.path / "scores.csv"),
            "model,mDS,AP,threshold\n"
            "collapsed,0.000000,,0.05\n"
            "\"good, tuned\",0.712346,1.000000,0.5\n");
}
