/* Writes the generated seeds of the container, layout_c and layout_cpp fuzz targets: two small
 * quantized models (MLP and CNN of tests/lib/test_models.h, uniform and heterogeneous) and the
 * image of each of their weighted layers in every layout that can hold it. The outputs are
 * committed under tests/fuzz/seeds/; rerun (scripts/fuzz --seeds) only to refresh them. */
#include "container.h"
#include "layout/layout.h"
#include "test_models.h"

#include <stdio.h>

static void write_file(const char *dir, const char *sub, const char *name, const uint8_t *data,
                       size_t size) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/%s", dir, sub, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f)) {
        perror(path);
        exit(1);
    }
}

/* docs/arith.md: a high weight is never 0 (0 is a low code); test_models.h may draw one. */
static void no_high_zero(hq_qlayer *q, int rows, int cols) {
    if (!q || !q->lo_bits) return;
    for (size_t j = 0; j < (size_t)rows * cols; j++)
        if (q->is_hi[j] && q->w[j] == 0) q->w[j] = 1;
}

/* Makes a heterogeneous layer row-structured (what rowgroup packs): every third row all high,
 * the others all low (a high weight becomes the low code 1). */
static void make_rows(hq_qlayer *q, int rows, int cols) {
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) {
            size_t j = (size_t)r * cols + c;
            if (r % 3 == 0) /* a zero weight of a high row is low code 0 when lo >= 2 */
                q->is_hi[j] = q->lo_bits == 1 || q->w[j] != 0;
            else if (q->is_hi[j]) {
                q->is_hi[j] = 0;
                q->w[j] = (int8_t)(1 << q->lo_shift[r]);
            }
        }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: make_seeds SEED_DIR\n");
        return 2;
    }
    const char *dir = argv[1];
    for (int kind = 0; kind < 2; kind++)
        for (int quant = 1; quant <= 2; quant++) {
            hq_model m;
            char err[512], name[128];
            tm_build(&m, kind, quant);
            /* What later readers also check: a stored policy that parses, no high weight 0. */
            strcpy(m.policy, quant == 2 ? "lo=2,hi=8,frac=0.02" : "uniform8");
            for (int i = 0; i < m.n_layers; i++)
                no_high_zero(m.layers[i].q, m.layers[i].rows, m.layers[i].cols);
            const char *tag = quant == 2 ? "hetero" : "uniform";
            uint8_t *buf;
            size_t len;
            if (hq_container_write_mem(&m, &buf, &len, err, sizeof err)) {
                fprintf(stderr, "%s\n", err);
                return 1;
            }
            snprintf(name, sizeof name, "accept-%s-%s.hqm", m.net, tag);
            write_file(dir, "container", name, buf, len);
            free(buf);
            for (int i = 0; i < m.n_layers; i++) {
                hq_layer *L = &m.layers[i];
                if (!L->q) continue;
                if (quant == 2 && i == m.n_layers - 1) make_rows(L->q, L->rows, L->cols);
                for (int k = 0; k < HQ_LAYOUT_COUNT; k++) {
                    hq_layout_opts o;
                    hq_layer_image img;
                    hq_layout_opts_default(&o, (hq_layout_kind)k);
                    if (hq_layout_pack(L->q, L->rows, L->cols, &o, &img, err, sizeof err))
                        continue; /* e.g. high weights in dense */
                    snprintf(name, sizeof name, "accept-%s-%s-%s-L%d.bin",
                             hq_layout_name(img.st.kind), m.net, tag, i);
                    write_file(dir, "layout_c", name, img.data, img.size);
                    write_file(dir, "layout_cpp", name, img.data, img.size);
                    hq_layer_image_free(&img);
                }
            }
            hq_container_free_model(&m);
        }
    /* the graph network of docs/arith.md section 7a (LEXT chunks, version 2) */
    hq_model g;
    char gerr[512];
    uint8_t *gbuf;
    size_t glen;
    tm_build_graph(&g);
    if (hq_container_write_mem(&g, &gbuf, &glen, gerr, sizeof gerr)) {
        fprintf(stderr, "%s\n", gerr);
        return 1;
    }
    write_file(dir, "container", "accept-graph.hqm", gbuf, glen);
    free(gbuf);
    hq_container_free_model(&g);
    return 0;
}
