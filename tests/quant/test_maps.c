/* Weight-map figures (layout/maps.h), read back with cairo: the size follows the scale rule,
 * the title and legends are drawn, every weight cell has its documented colour, the density
 * view marks exactly the blocks that hold high weights, a large layer is drawn one pixel per
 * down x down weights (their mean colour), a uniform layer has no density view, the same
 * model gives the same bytes twice, and bad paths are errors naming the file. */
#include "layout/maps.h"
#include "test_util.h"

#include <cairo.h>
#include <fcntl.h>
#include <unistd.h>

static hq_model model;

/* A dense layer with low codes -1/0/+1 (shift 2) and high weights at pseudo-random places,
 * clustered in the left quarter so that many blocks hold none. */
static void add_layer(int rows, int cols, int lo_bits, uint64_t seed) {
    hq_layer *L = &model.layers[model.n_layers++];
    L->kind = HQ_LAYER_DENSE;
    L->rows = rows, L->cols = cols;
    L->in = (hq_shape){cols, 1, 1}, L->out = (hq_shape){rows, 1, 1};
    L->q = hq_qlayer_alloc(L, lo_bits, 8);
    for (int r = 0; r < rows; r++) {
        if (lo_bits) L->q->lo_shift[r] = 2;
        for (int j = 0; j < cols; j++) {
            long i = (long)r * cols + j;
            if (lo_bits && j < cols / 4 && t_randint(&seed, 0, 19) == 0) {
                L->q->is_hi[i] = 1;
                L->q->w[i] = (int8_t)t_randint(&seed, -127, 127);
            } else {
                L->q->w[i] =
                    (int8_t)(lo_bits ? t_randint(&seed, -1, 1) * 4 : t_randint(&seed, -127, 127));
            }
        }
    }
}

static cairo_surface_t *read_png(const char *path) {
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) return NULL;
    cairo_surface_flush(s);
    return s;
}

static uint32_t pixel(cairo_surface_t *s, int x, int y) {
    const unsigned char *d = cairo_image_surface_get_data(s);
    return ((const uint32_t *)(d + (size_t)y * cairo_image_surface_get_stride(s)))[x] & 0xFFFFFF;
}

static uint32_t rgb32(const uint8_t c[3]) {
    return (uint32_t)c[0] << 16 | c[1] << 8 | c[2];
}

/* Pixels of the rectangle that are not white. */
static long ink(cairo_surface_t *s, int x0, int y0, int x1, int y1) {
    long n = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            n += pixel(s, x, y) != 0xFFFFFF;
    return n;
}

static long file_bytes(const char *path, unsigned char *buf, size_t cap) {
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    long n = (long)fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

/* Counts the high weights of each block of the figure's density view itself and checks the
 * centre pixel of every block: white exactly when the block holds none, else the colour of its
 * count. Returns the largest count. */
static int check_density(cairo_surface_t *s, const hq_map_geom *g, const hq_layer *L,
                         const char *what) {
    const int b = g->block, nbr = (L->rows + b - 1) / b, nbc = (L->cols + b - 1) / b;
    const int bw = b / g->down * g->cell_w, bh = b / g->down * g->cell_h;
    int *counts = calloc((size_t)nbr * nbc, sizeof *counts), max_count = 0, blocks_hi = 0;
    for (int r = 0; r < L->rows; r++)
        for (int j = 0; j < L->cols; j++)
            if (L->q->is_hi[(long)r * L->cols + j] && ++counts[r / b * nbc + j / b] > max_count)
                max_count = counts[r / b * nbc + j / b];
    long marked_wrong = 0, marked = 0;
    for (int bi = 0; bi < nbr; bi++)
        for (int bj = 0; bj < nbc; bj++) {
            const int c = counts[bi * nbc + bj];
            uint32_t p = pixel(s, g->dens_x + bj * bw + bw / 2, g->dens_y + bi * bh + bh / 2);
            blocks_hi += c > 0;
            marked += p != 0xFFFFFF;
            marked_wrong += p != hq_map_density_colour(c, max_count) || (c > 0) != (p != 0xFFFFFF);
        }
    CHECK(blocks_hi >= 5 && blocks_hi < nbr * nbc / 2,
          "%s test data: %d of %d blocks hold high "
          "weights",
          what, blocks_hi, nbr * nbc);
    CHECK(marked_wrong == 0 && marked == blocks_hi,
          "%s density view: %ld blocks marked, %d hold high weights, %ld of the wrong colour", what,
          marked, blocks_hi, marked_wrong);
    free(counts);
    return max_count;
}

static void check_mixed(void) {
    const hq_layer *L = &model.layers[0];
    hq_map_geom g;
    char err[256];
    CHECK(!hq_map_write_layer(&model, 0, "test_maps_mixed.png", &g, err, sizeof err), "%s", err);
    CHECK(g.down == 1 && g.cell == 4 && g.cell_w == 4 && g.cell_h == 4 && g.block == 2,
          "scale of 30 x 200: 800 / 200 = 4 px per "
          "weight, blocks of 2 x 2 (8 px): cell %d down %d block %d",
          g.cell, g.down, g.block);
    CHECK(g.plot_w == 800 && g.plot_h == 120, "map %d x %d", g.plot_w, g.plot_h);
    cairo_surface_t *s = read_png("test_maps_mixed.png");
    CHECK(s != NULL, "cairo cannot read test_maps_mixed.png");
    if (!s) return;
    CHECK(cairo_image_surface_get_width(s) == g.fig_w &&
              cairo_image_surface_get_height(s) == g.fig_h && g.fig_w >= g.map_x + g.plot_w &&
              g.fig_h > g.dens_legend_y,
          "figure %d x %d, geometry %d x %d", cairo_image_surface_get_width(s),
          cairo_image_surface_get_height(s), g.fig_w, g.fig_h);
    CHECK(ink(s, 0, 0, g.fig_w, g.title_h) > 500, "title lines drawn: %ld ink pixels",
          ink(s, 0, 0, g.fig_w, g.title_h));
    CHECK(ink(s, 0, g.legend_y, g.fig_w, g.legend_y + 40) > 300 &&
              pixel(s, 16 + 7, g.legend_y + 7) == 0x000000,
          "weight legend drawn with its black high-precision swatch");
    CHECK(ink(s, 0, g.dens_legend_y, g.fig_w, g.dens_legend_y + 30) > 200, "density legend drawn");
    CHECK(g.dens_y > g.map_y + g.plot_h, "a wide layer's density view is below the weights");

    long wrong = 0;
    for (int r = 0; r < L->rows; r++)
        for (int j = 0; j < L->cols; j++) {
            uint8_t c[3];
            hq_map_colour(L->q, L->cols, r, j, c);
            wrong += pixel(s, g.map_x + j * 4 + 2, g.map_y + r * 4 + 1) != rgb32(c);
        }
    CHECK(wrong == 0, "%ld weight cells not of their colour", wrong);

    int max_count = check_density(s, &g, L, "30 x 200");
    CHECK(hq_map_density_colour(1, max_count) != 0xFFFFFF &&
              hq_map_density_colour(1, max_count) != hq_map_density_colour(max_count, max_count),
          "density colours: one high weight is visible and differs from the most");
    cairo_surface_destroy(s);

    static unsigned char a[1 << 20], b[1 << 20];
    CHECK(!hq_map_write_layer(&model, 0, "test_maps_again.png", NULL, err, sizeof err), "%s", err);
    long na = file_bytes("test_maps_mixed.png", a, sizeof a);
    long nb = file_bytes("test_maps_again.png", b, sizeof b);
    CHECK(na > 0 && na == nb && !memcmp(a, b, (size_t)na), "same figure twice: %ld vs %ld bytes",
          na, nb);
    remove("test_maps_mixed.png");
    remove("test_maps_again.png");
}

static void check_large_and_uniform(void) {
    hq_map_geom g;
    char err[256];
    const hq_layer *L = &model.layers[1];
    CHECK(!hq_map_write_layer(&model, 1, "test_maps_large.png", &g, err, sizeof err), "%s", err);
    CHECK(g.down == 3 && g.cell == 1 && g.block == 24 && g.cell_w == 1 && g.cell_h == 24 &&
              g.plot_w == 667 && g.plot_h == 96,
          "10 x 2000: down ceil(2000 / 800) = 3, rows stretched x24 to 96 px, blocks of 24 (8 "
          "px): down %d cell %d x %d block %d map %d x %d",
          g.down, g.cell_w, g.cell_h, g.block, g.plot_w, g.plot_h);
    cairo_surface_t *s = read_png("test_maps_large.png");
    if (s) {
        unsigned sum[3] = {0, 0, 0};
        for (int r = 3; r < 6; r++)
            for (int j = 30; j < 33; j++) {
                uint8_t c[3];
                hq_map_colour(L->q, L->cols, r, j, c);
                sum[0] += c[0], sum[1] += c[1], sum[2] += c[2];
            }
        uint32_t want = (sum[0] + 4) / 9 << 16 | (sum[1] + 4) / 9 << 8 | (sum[2] + 4) / 9;
        CHECK(pixel(s, g.map_x + 10, g.map_y + 24 + 12) == want,
              "pixel (10, 1) is the mean colour of weights rows 3..5 x inputs 30..32: %06x vs %06x",
              pixel(s, g.map_x + 10, g.map_y + 1), want);
        cairo_surface_destroy(s);
    } else {
        CHECK(0, "cairo cannot read test_maps_large.png");
    }
    remove("test_maps_large.png");

    CHECK(!hq_map_write_layer(&model, 2, "test_maps_uniform.png", &g, err, sizeof err), "%s", err);
    CHECK(g.dens_x == -1 && g.dens_legend_y == -1 && g.cell_w == 32 && g.cell_h == 32,
          "uniform 12 x 9 layer: 32 px per weight (the most), no density view");
    s = read_png("test_maps_uniform.png");
    if (s) {
        CHECK(cairo_image_surface_get_height(s) == g.fig_h && g.fig_h < g.legend_y + 60,
              "uniform figure ends after the weight legend");
        uint8_t c[3];
        hq_map_colour(model.layers[2].q, 9, 11, 8, c);
        CHECK(pixel(s, g.map_x + 8 * 32 + 16, g.map_y + 11 * 32 + 16) == rgb32(c),
              "last uniform weight cell");
        cairo_surface_destroy(s);
    } else {
        CHECK(0, "cairo cannot read test_maps_uniform.png");
    }
    remove("test_maps_uniform.png");

    CHECK(!hq_map_write_layer(&model, 3, "test_maps_tall.png", &g, err, sizeof err), "%s", err);
    CHECK(g.cell_w == 13 && g.cell_h == 13 && g.block == 1 && g.dens_y == g.map_y &&
              g.dens_x > g.map_x + g.plot_w,
          "a tall 60 x 8 layer: 800 / 60 = 13 px per weight, density view beside the weights");
    s = read_png("test_maps_tall.png");
    if (s) {
        check_density(s, &g, &model.layers[3], "60 x 8");
        cairo_surface_destroy(s);
    } else {
        CHECK(0, "cairo cannot read test_maps_tall.png");
    }
    remove("test_maps_tall.png");
}

int main(void) {
    snprintf(model.net, sizeof model.net, "mlp");
    model.width_mult = 1;
    snprintf(model.policy, sizeof model.policy, "lo=2,hi=8,frac=0.05");
    add_layer(30, 200, 2, 7);
    add_layer(10, 2000, 2, 8);
    add_layer(12, 9, 0, 9);
    add_layer(60, 8, 2, 10);
    check_mixed();
    check_large_and_uniform();

    char err[256];
    CHECK(hq_map_write_layer(&model, 0, "/nonexistent-dir/x.png", NULL, err, sizeof err) != 0 &&
              strstr(err, "/nonexistent-dir/x.png"),
          "unwritable path not reported: %s", err);
    /* DIR/ and DIR name the same files, and the progress lines say so without "//". */
    fflush(stderr);
    int saved = dup(2), log = open("test_maps_log.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(log, 2);
    int rc = hq_map_write_model(&model, "test_maps_dir/", 1, err, sizeof err);
    fflush(stderr);
    dup2(saved, 2);
    close(log), close(saved);
    char text[1024] = "";
    FILE *f = fopen("test_maps_log.txt", "r");
    size_t got = f ? fread(text, 1, sizeof text - 1, f) : 0;
    text[got] = 0;
    if (f) fclose(f);
    cairo_surface_t *s = read_png("test_maps_dir/layer2.png");
    CHECK(!rc && s && strstr(text, "map: test_maps_dir/layer0.png (30 x 200 weights") &&
              !strstr(text, "//"),
          "hq_map_write_model into DIR/: rc %d, log '%s'", rc, text);
    if (s) cairo_surface_destroy(s);
    for (int l = 0; l < 4; l++) {
        char p[64];
        snprintf(p, sizeof p, "test_maps_dir/layer%d.png", l);
        remove(p);
    }
    remove("test_maps_dir");
    remove("test_maps_log.txt");

    model.layers[4].kind = HQ_LAYER_MAXPOOL;
    model.n_layers = 5;
    CHECK(hq_map_write_layer(&model, 4, "x.png", NULL, err, sizeof err) != 0 &&
              strstr(err, "layer 4"),
          "a layer without quantized weights is refused: %s", err);
    for (int l = 0; l < 4; l++)
        hq_qlayer_free(model.layers[l].q);
    return t_report("test_maps");
}
