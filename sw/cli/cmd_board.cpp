/* hqsim board image: what the board's host driver (scripts/hq-board, docs/board.md) loads into
 * the FPGA board's memory. The DRAM image is the one `hqsim run` builds (sw/app/dram_image.cpp:
 * network table, descriptors, row parameters, weight layer images, test images), written as
 * JSON with its segments in base64, together with each layer's descriptor fields and the C
 * reference's logits and predictions (hq_ref_infer) for the same images, so that the driver
 * needs neither the model code nor the dataset. */
extern "C" {
#include "cli_util.h"
#include "commands.h"
#include "container.h"
#include "layout/layout.h"
#include "out_file.h"
#include "reference.h"
}
#include "dram_image.h"

#include <jansson.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#define CMD "board"

static void help(void) {
    std::printf(
        "usage: hqsim board image MODEL.hqm -o FILE [options]\n"
        "\n"
        "Writes what the FPGA board's host driver (scripts/hq-board, docs/board.md) loads:\n"
        "the model's DRAM image for the accelerator (as `hqsim run` builds it, with the\n"
        "first test images), each layer's descriptor, and the C reference's logits and\n"
        "predictions for those images, as one JSON file.\n"
        "\n"
        "options:\n"
        "  -o FILE        output file (JSON; written atomically)\n"
        "  --images N     test images in the image (default 100)\n"
        "  --batch B      images per accelerator command (default 1)\n"
        "  -h, --help     this help\n"
        "The dataset is the Fashion-MNIST test set (HQSIM_DATASET_DIR).\n" CLI_EXIT_HELP);
}

static std::string base64(const uint8_t *p, size_t n) {
    static const char *tab = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string s;
    s.reserve((n + 2) / 3 * 4);
    for (size_t i = 0; i < n; i += 3) {
        const uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
                           (i + 2 < n ? p[i + 2] : 0);
        s += tab[v >> 18 & 63];
        s += tab[v >> 12 & 63];
        s += i + 1 < n ? tab[v >> 6 & 63] : '=';
        s += i + 2 < n ? tab[v & 63] : '=';
    }
    return s;
}

static const char *op_name(unsigned op) {
    return op == HQ_ACCEL_OP_DENSE ? "dense" : op == HQ_ACCEL_OP_CONV ? "conv" : "maxpool";
}

static json_t *layer_json(const hq::accel::NetLayer &l, uint32_t desc_addr) {
    const hq_accel_desc &d = l.desc;
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(l.name.c_str()));
    json_object_set_new(o, "desc_addr", json_integer(desc_addr));
    json_object_set_new(o, "op", json_string(op_name(d.op)));
    json_object_set_new(o, "layout", json_string(hq_layout_name((hq_layout_kind)d.layout)));
    const struct {
        const char *name;
        long long v;
    } f[] = {{"rows", d.rows},       {"cols", d.cols},       {"in_h", d.in_h},
             {"in_w", d.in_w},       {"in_c", d.in_c},       {"out_h", d.out_h},
             {"out_w", d.out_w},     {"out_c", d.out_c},     {"kernel", d.kernel},
             {"stride", d.stride},   {"pad", d.pad},         {"pool", d.pool},
             {"lo_bits", d.lo_bits}, {"hi_bits", d.hi_bits}, {"weight_bytes", d.weight_bytes},
             {"flags", d.flags}};
    for (const auto &x : f)
        json_object_set_new(o, x.name, json_integer(x.v));
    return o;
}

static int cmd_image(int argc, char **argv) {
    const char *model_path = nullptr, *out_path = nullptr;
    long long images = 100, batch = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_is_help(a)) {
            help();
            return CLI_EXIT_OK;
        } else if (!std::strcmp(a, "-o")) {
            if (!(out_path = cli_value(CMD, argc, argv, &i))) return CLI_EXIT_BAD_INPUT;
        } else if (!std::strcmp(a, "--images") || !std::strcmp(a, "--batch")) {
            const char *v = cli_value(CMD, argc, argv, &i);
            if (!v || cli_int(CMD, a, v, 1, 10000, a[2] == 'i' ? &images : &batch))
                return CLI_EXIT_BAD_INPUT;
        } else if (a[0] == '-')
            return cli_unknown(CMD, a);
        else if (!model_path)
            model_path = a;
        else
            return cli_usage_error(CMD, "one model file only");
    }
    if (!model_path) return cli_usage_error(CMD, "board image needs MODEL.hqm");
    if (!out_path) return cli_usage_error(CMD, "board image needs -o FILE");
    char err[1024];
    if (hq_out_check(out_path, err, sizeof err)) {
        std::fprintf(stderr, "hqsim %s: %s\n", CMD, err);
        return CLI_EXIT_BAD_INPUT;
    }
    hq_model m{};
    if (cli_load_model(CMD, model_path, &m)) return CLI_EXIT_BAD_INPUT;
    int rc = CLI_EXIT_BAD_INPUT;
    hq_dataset ds{};
    hq_ref_net *ref = nullptr;
    hq_packed_model pm{};
    bool have_ds = false, have_pm = false;
    do {
        if (!cli_model_is_quantized(&m)) {
            std::fprintf(stderr, "hqsim %s: %s is not quantized (hqsim quantize first)\n", CMD,
                         model_path);
            break;
        }
        if (!(ref = hq_ref_prepare(&m, err, sizeof err))) {
            std::fprintf(stderr, "hqsim %s: %s: %s\n", CMD, model_path, err);
            break;
        }
        if (cli_load_split(CMD, HQ_SPLIT_TEST, &ds)) break;
        have_ds = true;
        if (images > ds.n) {
            std::fprintf(stderr, "hqsim %s: --images %lld: the test set has %d images\n", CMD,
                         images, ds.n);
            break;
        }
        hq_layout_opts lo;
        hq_layout_opts_default(&lo, hq_layout_of_model(&m));
        if (hq_layout_pack_model(&m, &lo, &pm, err, sizeof err)) {
            std::fprintf(stderr, "hqsim %s: %s: %s\n", CMD, model_path, err);
            break;
        }
        have_pm = true;
        hq::accel::ImageParams ip;
        ip.batch = (int)batch;
        ip.n_images = (int)images;
        ip.images = ds.images;
        hq::accel::DramImage img;
        const std::string e = hq::accel::build_dram_image(m, pm, ip, &img);
        if (!e.empty()) {
            std::fprintf(stderr, "hqsim %s: %s: %s\n", CMD, model_path, e.c_str());
            break;
        }
        if (!img.cpu_ops.empty()) { /* the board has no CPU to run them: refuse, never skip */
            std::fprintf(stderr,
                         "hqsim %s: %s: %zu layer(s) need the CPU fallback (first: %s), which "
                         "the board does not run; use hqsim run\n",
                         CMD, model_path, img.cpu_ops.size(), img.cpu_ops[0].name.c_str());
            break;
        }
        const int C = m.n_classes;
        std::vector<int32_t> logits((size_t)images * C);
        std::vector<int> preds((size_t)images);
        if (hq_ref_infer(ref, ds.images, (int)images, logits.data(), preds.data(), 0)) {
            std::fprintf(stderr, "hqsim %s: out of memory in the reference\n", CMD);
            rc = CLI_EXIT_FAILED;
            break;
        }
        json_t *root = json_object();
        json_object_set_new(root, "format", json_string("hqsim board image 1"));
        json_object_set_new(root, "model", json_string(model_path));
        char *abs = realpath(model_path, nullptr);
        json_object_set_new(root, "model_abspath", json_string(abs ? abs : model_path));
        free(abs);
        const hq_accel_net &n = img.net;
        json_t *net = json_object();
        const struct {
            const char *name;
            uint32_t v;
        } nf[] = {{"desc_addr", n.desc_addr},
                  {"n_layers", n.n_layers},
                  {"n_images", n.n_images},
                  {"batch", n.batch},
                  {"in_addr", n.in_addr},
                  {"in_stride", n.in_stride},
                  {"logits_addr", n.logits_addr},
                  {"n_classes", n.n_classes},
                  {"end", img.end}};
        for (const auto &x : nf)
            json_object_set_new(net, x.name, json_integer(x.v));
        json_object_set_new(root, "net", net);
        json_t *layers = json_array();
        for (size_t l = 0; l < img.layers.size(); l++)
            json_array_append_new(
                layers, layer_json(img.layers[l], n.desc_addr + (uint32_t)l * HQ_ACCEL_DESC_BYTES));
        json_object_set_new(root, "layers", layers);
        json_t *segs = json_array();
        for (const hq::accel::DramSegment &s : img.segments) {
            json_t *o = json_object();
            json_object_set_new(o, "addr", json_integer(s.addr));
            json_object_set_new(o, "data",
                                json_string(base64(s.bytes.data(), s.bytes.size()).c_str()));
            json_array_append_new(segs, o);
        }
        json_object_set_new(root, "segments", segs);
        json_t *rl = json_array(), *rp = json_array(), *lb = json_array();
        for (long long i = 0; i < images; i++) {
            json_t *row = json_array();
            for (int c = 0; c < C; c++)
                json_array_append_new(row, json_integer(logits[(size_t)i * C + c]));
            json_array_append_new(rl, row);
            json_array_append_new(rp, json_integer(preds[(size_t)i]));
            json_array_append_new(lb, json_integer(ds.labels[i]));
        }
        json_t *r = json_object();
        json_object_set_new(r, "logits", rl);
        json_object_set_new(r, "preds", rp);
        json_object_set_new(r, "labels", lb);
        json_object_set_new(root, "reference", r);
        char *text = json_dumps(root, JSON_COMPACT);
        json_decref(root);
        rc = CLI_EXIT_FAILED;
        if (!text) {
            std::fprintf(stderr, "hqsim %s: out of memory\n", CMD);
            break;
        }
        const int w = hq_out_write_file(out_path, text, std::strlen(text), err, sizeof err);
        free(text);
        if (w) {
            std::fprintf(stderr, "hqsim %s: %s\n", CMD, err);
            break;
        }
        std::printf("%s: %u layers, %lld images (batch %lld), DRAM image 0x%08x..0x%08x (%u "
                    "bytes)\n",
                    out_path, n.n_layers, images, batch, (unsigned)HQ_ACCEL_NET_ADDR, img.end,
                    img.end - (unsigned)HQ_ACCEL_NET_ADDR);
        rc = CLI_EXIT_OK;
    } while (0);
    if (have_pm) hq_packed_model_free(&pm);
    if (have_ds) hq_dataset_free(&ds);
    if (ref) hq_ref_free(ref);
    hq_container_free_model(&m);
    return rc;
}

extern "C" int cmd_board(int argc, char **argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: hqsim board image MODEL.hqm -o FILE [options] (see "
                             "hqsim board --help)\n");
        return CLI_EXIT_BAD_INPUT;
    }
    if (cli_is_help(argv[1])) {
        help();
        return CLI_EXIT_OK;
    }
    if (!std::strcmp(argv[1], "image")) return cmd_image(argc - 1, argv + 1);
    std::fprintf(stderr, "hqsim %s: unknown action '%s' (see hqsim board --help)\n", CMD, argv[1]);
    return CLI_EXIT_BAD_INPUT;
}
