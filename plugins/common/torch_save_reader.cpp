#include "torch_save_reader.hpp"

#include <ATen/ATen.h>
#include <caffe2/serialize/inline_container.h>

#include <cstring>
#include <memory>
#include <stdexcept>
#include <unordered_map>
#include <variant>
#include <vector>

namespace crackkd::plugin_common {

namespace {

struct Object;
using Ref = std::shared_ptr<Object>;

/// A Python value as far as state-dict files need one.
struct Object {
  enum class Kind { None, Bool, Int, Float, String, Tuple, List, Dict, Global, Tensor, Mark } kind = Kind::None;
  std::int64_t integer = 0;
  double real = 0;
  std::string text;                         // String; Global: "module.name"
  std::vector<Ref> items;                   // Tuple, List
  std::vector<std::pair<Ref, Ref>> entries;  // Dict
  at::Tensor tensor;
};

Ref make(Object::Kind kind) {
  auto o = std::make_shared<Object>();
  o->kind = kind;
  return o;
}

at::ScalarType storage_dtype(const std::string& global) {
  static const std::unordered_map<std::string, at::ScalarType> types{
      {"torch.FloatStorage", at::kFloat},   {"torch.DoubleStorage", at::kDouble}, {"torch.HalfStorage", at::kHalf},
      {"torch.BFloat16Storage", at::kBFloat16}, {"torch.LongStorage", at::kLong}, {"torch.IntStorage", at::kInt},
      {"torch.ShortStorage", at::kShort},   {"torch.CharStorage", at::kChar},     {"torch.ByteStorage", at::kByte},
      {"torch.BoolStorage", at::kBool}};
  const auto found = types.find(global);
  if (found == types.end()) throw std::runtime_error("unsupported storage type " + global);
  return found->second;
}

std::vector<std::int64_t> integers(const Ref& tuple) {
  std::vector<std::int64_t> v;
  for (const auto& item : tuple->items) v.push_back(item->integer);
  return v;
}

class PickleMachine {
 public:
  PickleMachine(const std::string& data, caffe2::serialize::PyTorchStreamReader& archive)
      : data_(data), archive_(archive) {}

  Ref run() {
    while (true) {
      const auto op = static_cast<unsigned char>(byte());
      if (op == '.') return pop();  // STOP
      if (!push_value(op) && !combine(op)) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", op);
        throw std::runtime_error(std::string("unsupported pickle opcode ") + hex + " at byte " + std::to_string(pos_ - 1));
      }
    }
  }

 private:
  /// The opcodes that push one value (or frame the stream); false for the others.
  bool push_value(unsigned char op) {
    switch (op) {
      case 0x80: byte(); break;                                  // PROTO
      case 0x95: skip(8); break;                                 // FRAME
      case '(': stack_.push_back(make(Object::Kind::Mark)); break;  // MARK
      case ')': stack_.push_back(make(Object::Kind::Tuple)); break;
      case ']': stack_.push_back(make(Object::Kind::List)); break;
      case '}': stack_.push_back(make(Object::Kind::Dict)); break;
      case 'N': stack_.push_back(make(Object::Kind::None)); break;
      case 0x88: case 0x89: {
        auto b = make(Object::Kind::Bool);
        b->integer = op == 0x88;
        stack_.push_back(b);
        break;
      }
      case 'K': push_int(static_cast<unsigned char>(byte())); break;
      case 'M': push_int(static_cast<std::int64_t>(little_endian(2))); break;
      case 'J': push_int(static_cast<std::int32_t>(little_endian(4))); break;
      case 0x8a: {  // LONG1: little-endian two's complement
        const auto n = static_cast<unsigned char>(byte());
        std::uint64_t v = n ? little_endian(n) : 0;
        if (n && n < 8 && (v >> (8 * n - 1)) & 1) v |= ~0ull << (8 * n);
        push_int(static_cast<std::int64_t>(v));
        break;
      }
      case 'G': {  // BINFLOAT, big-endian
        std::uint64_t bits = 0;
        for (int i = 0; i < 8; ++i) bits = bits << 8 | static_cast<unsigned char>(byte());
        auto f = make(Object::Kind::Float);
        std::memcpy(&f->real, &bits, 8);
        stack_.push_back(f);
        break;
      }
      case 'X': push_string(little_endian(4)); break;         // BINUNICODE
      case 0x8c: push_string(static_cast<unsigned char>(byte())); break;  // SHORT_BINUNICODE
      case 'c': {                                             // GLOBAL module\nname\n
        auto g = make(Object::Kind::Global);
        g->text = line() + ".";
        g->text += line();
        stack_.push_back(g);
        break;
      }
      case 0x93: {  // STACK_GLOBAL
        auto name = pop(), module = pop();
        auto g = make(Object::Kind::Global);
        g->text = module->text + "." + name->text;
        stack_.push_back(g);
        break;
      }
      default: return false;
    }
    return true;
  }

  /// The opcodes that build containers and objects from the stack and the memo.
  bool combine(unsigned char op) {
    switch (op) {
      case 't': stack_.push_back(tuple(pop_mark())); break;
      case 0x85: case 0x86: case 0x87: {  // TUPLE1..3
        std::vector<Ref> items(op - 0x84);
        for (auto i = items.size(); i-- > 0;) items[i] = pop();
        stack_.push_back(tuple(items));
        break;
      }
      case 'q': memo_[static_cast<unsigned char>(byte())] = top(); break;
      case 'r': memo_[little_endian(4)] = top(); break;
      case 0x94: memo_[memo_.size()] = top(); break;  // MEMOIZE
      case 'h': stack_.push_back(memo(static_cast<unsigned char>(byte()))); break;
      case 'j': stack_.push_back(memo(little_endian(4))); break;
      case 'a': { auto v = pop(); top()->items.push_back(v); break; }
      case 'e': { auto items = pop_mark(); auto& l = top()->items; l.insert(l.end(), items.begin(), items.end()); break; }
      case 's': { auto v = pop(), k = pop(); top()->entries.emplace_back(k, v); break; }
      case 'u': {
        auto items = pop_mark();
        for (std::size_t i = 0; i + 1 < items.size(); i += 2) top()->entries.emplace_back(items[i], items[i + 1]);
        break;
      }
      case 'b': pop(); break;  // BUILD: object state (an OrderedDict's _metadata): not needed
      case 'Q': stack_.push_back(storage(pop())); break;  // BINPERSID
      case 'R': { auto args = pop(), callable = pop(); stack_.push_back(reduce(callable, args)); break; }
      default: return false;
    }
    return true;
  }

  char byte() {
    if (pos_ >= data_.size()) throw std::runtime_error("truncated pickle");
    return data_[pos_++];
  }
  void skip(std::size_t n) {
    if (pos_ + n > data_.size()) throw std::runtime_error("truncated pickle");
    pos_ += n;
  }
  std::uint64_t little_endian(std::size_t n) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(byte())) << (8 * i);
    return v;
  }
  std::string line() {
    const auto end = data_.find('\n', pos_);
    if (end == std::string::npos) throw std::runtime_error("truncated pickle");
    std::string s = data_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return s;
  }
  void push_int(std::int64_t v) {
    auto i = make(Object::Kind::Int);
    i->integer = v;
    stack_.push_back(i);
  }
  void push_string(std::uint64_t n) {
    skip(n);
    auto s = make(Object::Kind::String);
    s->text = data_.substr(pos_ - n, n);
    stack_.push_back(s);
  }
  Ref top() {
    if (stack_.empty()) throw std::runtime_error("malformed pickle: empty stack");
    return stack_.back();
  }
  Ref pop() {
    auto v = top();
    stack_.pop_back();
    return v;
  }
  Ref memo(std::uint64_t key) {
    const auto found = memo_.find(key);
    if (found == memo_.end()) throw std::runtime_error("malformed pickle: memo " + std::to_string(key));
    return found->second;
  }
  std::vector<Ref> pop_mark() {
    std::vector<Ref> items;
    while (top()->kind != Object::Kind::Mark) items.insert(items.begin(), pop());
    pop();
    return items;
  }
  static Ref tuple(std::vector<Ref> items) {
    auto t = make(Object::Kind::Tuple);
    t->items = std::move(items);
    return t;
  }

  /// ('storage', storage type, key, location, numel): the record data/<key> as a 1-D tensor.
  Ref storage(const Ref& pid) {
    if (pid->kind != Object::Kind::Tuple || pid->items.size() < 5 || pid->items[0]->text != "storage")
      throw std::runtime_error("unsupported persistent id");
    const auto dtype = storage_dtype(pid->items[1]->text);
    const std::string& key = pid->items[2]->text;
    const auto numel = pid->items[4]->integer;
    auto [bytes, size] = archive_.getRecord("data/" + key);
    if (size != static_cast<std::size_t>(numel) * c10::elementSize(dtype))
      throw std::runtime_error("storage " + key + " holds " + std::to_string(size) + " bytes, expected " +
                               std::to_string(numel) + " elements");
    auto t = make(Object::Kind::Tensor);
    t->tensor = at::from_blob(bytes.get(), {numel}, at::TensorOptions().dtype(dtype)).clone();
    return t;
  }

  Ref reduce(const Ref& callable, const Ref& args) {
    const std::string& name = callable->text;
    if (name == "collections.OrderedDict") return make(Object::Kind::Dict);
    if (name == "torch._utils._rebuild_tensor_v2") {  // (storage, offset, size, stride, requires_grad, hooks, …)
      const auto& a = args->items;
      auto t = make(Object::Kind::Tensor);
      t->tensor = a.at(0)->tensor.as_strided(integers(a.at(2)), integers(a.at(3)), a.at(1)->integer);
      return t;
    }
    if (name == "torch._utils._rebuild_parameter") return args->items.at(0);
    if (name == "torch.jit._pickle.restore_type_tag") return args->items.at(0);  // LibTorch's pickle_save
    throw std::runtime_error("unsupported Python object " + name);
  }

  const std::string& data_;
  caffe2::serialize::PyTorchStreamReader& archive_;
  std::size_t pos_ = 0;
  std::vector<Ref> stack_;
  std::unordered_map<std::uint64_t, Ref> memo_;
};

}  // namespace

std::map<std::string, at::Tensor> read_tensor_dict(const std::filesystem::path& file) {
  if (!std::filesystem::is_regular_file(file)) throw std::runtime_error("cannot read " + file.string());
  try {
    std::unique_ptr<caffe2::serialize::PyTorchStreamReader> archive;
    try {
      archive = std::make_unique<caffe2::serialize::PyTorchStreamReader>(file.string());
    } catch (const c10::Error&) {
      throw std::runtime_error("not a zip file from torch.save (PyTorch 1.6 or later; an older file can be re-saved with "
                               "torch.save(torch.load(PATH), PATH))");
    }
    auto [bytes, size] = archive->getRecord("data.pkl");
    const std::string pickle(static_cast<const char*>(bytes.get()), size);
    // A CrackKD checkpoint is a LibTorch archive (a TorchScript module), not a pickled dict.
    if (pickle.find("crackkd_plugin") != std::string::npos)
      throw std::runtime_error("a CrackKD checkpoint, not a state dict: to start a training stage from its weights, "
                               "give it as the stage's init_from");
    const Ref top = PickleMachine(pickle, *archive).run();
    if (top->kind != Object::Kind::Dict)
      throw std::runtime_error("expected a dict of tensors (torch.save(model.state_dict(), PATH))");
    std::map<std::string, at::Tensor> tensors;
    for (const auto& [key, value] : top->entries)
      if (key->kind == Object::Kind::String && value->kind == Object::Kind::Tensor) tensors[key->text] = value->tensor;
    return tensors;
  } catch (const c10::Error& e) {
    const std::string what = e.what_without_backtrace();
    throw std::runtime_error(file.string() + ": " + what.substr(0, what.find('\n')));
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(file.string() + ": " + e.what());
  }
}

}  // namespace crackkd::plugin_common
