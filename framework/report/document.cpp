#include "report/document.hpp"

#include "report/line_plot.hpp"

namespace crackkd::report {

void Document::table(const std::string& caption, const std::vector<std::string>& header,
                   const std::vector<std::vector<std::string>>& rows) {
  md << "\n**Table " << ++tables_ << ".** " << caption << "\n\n|";
  for (const auto& h : header) md << " " << h << " |";
  md << "\n|";
  for (std::size_t i = 0; i < header.size(); ++i) md << (i ? " ---: |" : " --- |");
  md << "\n";
  for (const auto& row : rows) {
    md << "|";
    for (const auto& f : row) md << " " << f << " |";
    md << "\n";
  }
}

void Document::plot(const std::string& file, const LinePlot& p, const std::string& caption) {
  write_line_plot(folder_ / file, p);
  figure(file, caption);
}

void Document::figure(const std::string& file, const std::string& caption) {
  md << "\n![Figure " << ++figures_ << "](" << file << ")\n\n**Figure " << figures_ << ".** " << caption << "\n";
}

}  // namespace crackkd::report
