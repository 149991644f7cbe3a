#include "data/random_streams.hpp"

#include "io/content_hash.hpp"

#include <cmath>

namespace crackkd::data {

std::uint64_t name_key(const std::string& name) { return io::content_key(name); }

std::uint64_t stream_seed(std::int64_t pipeline_seed, const std::string& stream) {
  return Rng::derive(static_cast<std::uint64_t>(pipeline_seed), {name_key(stream)}).next() >> 1;
}

Rng evaluation_noise_stream(std::int64_t pipeline_seed, const std::string& noise_name, double level, std::size_t index) {
  return Rng::derive(static_cast<std::uint64_t>(pipeline_seed),
                     {name_key(noise_name), static_cast<std::uint64_t>(std::llround(level * 1e6)), index});
}

}  // namespace crackkd::data
