/* Fashion-MNIST loader: good and deliberately broken hand-made IDX .gz files, the directory
 * override, and (when the Debian package is installed) the real test split. */
#include "check.h"
#include "dataset.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static char dir[256];

static void be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static const char *path_of(const char *name) {
    static char p[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
    return p[k];
}

static void write_gz(const char *name, const uint8_t *data, size_t n) {
    gzFile f = gzopen(path_of(name), "wb");
    gzwrite(f, data, (unsigned)n);
    gzclose(f);
}

static void write_raw(const char *name, const uint8_t *data, size_t n) {
    FILE *f = fopen(path_of(name), "wb");
    fwrite(data, 1, n, f);
    fclose(f);
}

/* An images file: n images of r x c, pixel = (i * 7 + j) & 255. */
static size_t make_images(uint8_t *buf, uint32_t magic, uint32_t n, uint32_t r, uint32_t c) {
    be32(buf, magic);
    be32(buf + 4, n);
    be32(buf + 8, r);
    be32(buf + 12, c);
    size_t len = 16;
    for (uint32_t i = 0; i < n * r * c; i++)
        buf[len++] = (uint8_t)(i * 7 + 3);
    return len;
}

static size_t make_labels(uint8_t *buf, uint32_t magic, uint32_t n, int bad_at) {
    be32(buf, magic);
    be32(buf + 4, n);
    for (uint32_t i = 0; i < n; i++)
        buf[8 + i] = (uint8_t)((int)i == bad_at ? 10 : i % 10);
    return 8 + n;
}

static void expect_fail(const char *images, const char *labels, const char *name_in_msg,
                        const char *problem) {
    hq_dataset d;
    char err[1024] = "";
    int rc = hq_dataset_load_files(&d, path_of(images), path_of(labels), err, sizeof err);
    CHECK(rc == -1);
    CHECK(d.images == NULL && d.labels == NULL && d.n == 0);
    CHECK_MSG(err, name_in_msg);
    CHECK_MSG(err, problem);
    CHECK_MSG(err, "dataset-fashion-mnist");
}

int main(void) {
    snprintf(dir, sizeof dir, "/tmp/hq_test_dataset_%d", (int)getpid());
    char cmd[512];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
    if (system(cmd)) return 1;

    static uint8_t img[16 + 5 * 3 * 4 + 64], lbl[8 + 16];
    size_t ni = make_images(img, 0x803, 5, 3, 4), nl = make_labels(lbl, 0x801, 5, -1);
    write_gz("ok-img.gz", img, ni);
    write_gz("ok-lbl.gz", lbl, nl);

    /* A good pair loads exactly. */
    hq_dataset d;
    char err[1024] = "";
    CHECK(hq_dataset_load_files(&d, path_of("ok-img.gz"), path_of("ok-lbl.gz"), err, sizeof err) ==
          0);
    CHECK_EQ_INT(d.n, 5);
    CHECK_EQ_INT(d.rows, 3);
    CHECK_EQ_INT(d.cols, 4);
    CHECK(d.images && memcmp(d.images, img + 16, 60) == 0);
    CHECK(d.labels && d.labels[4] == 4);
    hq_dataset_free(&d);
    CHECK(d.images == NULL && d.n == 0);

    /* Missing file. */
    expect_fail("nope-img.gz", "ok-lbl.gz", "nope-img.gz", "cannot open");
    expect_fail("ok-img.gz", "nope-lbl.gz", "nope-lbl.gz", "cannot open");

    /* Wrong magic (labels where images are expected, and a 4-dim magic). */
    expect_fail("ok-lbl.gz", "ok-lbl.gz", "ok-lbl.gz", "wrong magic");
    uint8_t tmp[sizeof img];
    memcpy(tmp, img, ni);
    be32(tmp, 0x804);
    write_gz("magic-img.gz", tmp, ni);
    expect_fail("magic-img.gz", "ok-lbl.gz", "magic-img.gz", "wrong magic");
    expect_fail("ok-img.gz", "ok-img.gz", "ok-img.gz", "wrong magic");

    /* Header cut short, pixel data cut short, trailing bytes. */
    write_gz("short-hdr.gz", img, 10);
    expect_fail("short-hdr.gz", "ok-lbl.gz", "short-hdr.gz", "truncated IDX header");
    write_gz("short-img.gz", img, ni - 1);
    expect_fail("short-img.gz", "ok-lbl.gz", "short-img.gz", "truncated");
    write_gz("long-img.gz", img, ni + 1);
    expect_fail("long-img.gz", "ok-lbl.gz", "long-img.gz", "trailing garbage");

    /* Absurd dimensions. */
    memcpy(tmp, img, ni);
    be32(tmp + 8, 0);
    write_gz("dims-img.gz", tmp, ni);
    expect_fail("dims-img.gz", "ok-lbl.gz", "dims-img.gz", "implausible dimensions");

    /* Label out of range, label count mismatch, labels truncated. */
    uint8_t bad[sizeof lbl];
    size_t nb = make_labels(bad, 0x801, 5, 3);
    write_gz("range-lbl.gz", bad, nb);
    expect_fail("ok-img.gz", "range-lbl.gz", "range-lbl.gz", "out of range");
    nb = make_labels(bad, 0x801, 4, -1);
    write_gz("count-lbl.gz", bad, nb);
    expect_fail("ok-img.gz", "count-lbl.gz", "count-lbl.gz", "holds 4 labels but");
    write_gz("short-lbl.gz", lbl, nl - 2);
    expect_fail("ok-img.gz", "short-lbl.gz", "short-lbl.gz", "truncated");

    /* A corrupt gzip stream: cut the compressed file, and flip a byte inside it. */
    FILE *f = fopen(path_of("ok-img.gz"), "rb");
    uint8_t gz[4096];
    size_t ngz = fread(gz, 1, sizeof gz, f);
    fclose(f);
    write_raw("cut-img.gz", gz, ngz - 6);
    expect_fail("cut-img.gz", "ok-lbl.gz", "cut-img.gz", "gzip");
    gz[ngz / 2] ^= 0x55;
    write_raw("flip-img.gz", gz, ngz);
    expect_fail("flip-img.gz", "ok-lbl.gz", "flip-img.gz", "gzip");

    /* Directory override: a directory holding a split of the wrong size says so. */
    write_gz("t10k-images-idx3-ubyte.gz", img, ni);
    write_gz("t10k-labels-idx1-ubyte.gz", lbl, nl);
    setenv("HQSIM_DATASET_DIR", dir, 1);
    CHECK(hq_dataset_load(&d, NULL, HQ_SPLIT_TEST, err, sizeof err) == -1);
    CHECK_MSG(err, dir);
    CHECK_MSG(err, "expected 10000");
    CHECK(hq_dataset_load(&d, NULL, HQ_SPLIT_TRAIN, err, sizeof err) == -1);
    CHECK_MSG(err, "train-images-idx3-ubyte.gz");
    CHECK_MSG(err, "cannot open");
    unsetenv("HQSIM_DATASET_DIR");

    /* The real test split, when the Debian package is installed: 10,000 images, 1,000 per
     * class (the published class balance). */
    if (access(HQSIM_DATASET_DIR "/t10k-images-idx3-ubyte.gz", R_OK) == 0) {
        CHECK(hq_dataset_load(&d, NULL, HQ_SPLIT_TEST, err, sizeof err) == 0);
        CHECK_EQ_INT(d.n, 10000);
        CHECK_EQ_INT(d.rows, 28);
        int per_class[10] = {0};
        for (int i = 0; i < d.n; i++)
            per_class[d.labels[i]]++;
        for (int c = 0; c < 10; c++)
            CHECK_EQ_INT(per_class[c], 1000);
        hq_dataset_free(&d);
    } else {
        printf("note: %s not installed, real-data check skipped\n", HQSIM_DATASET_DIR);
    }

    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) fprintf(stderr, "warning: could not remove %s\n", dir);
    return check_report("test_dataset");
}
