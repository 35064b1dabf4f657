/* hq_train: mini-batch training with softmax cross-entropy, Adam or SGD+momentum, optional
 * cosine learning-rate decay and a fake-quantization hook for QAT (straight-through). */
#include "hq_error.h"
#include "nn_layers.h"
#include "nn_loss.h"
#include "nn_net.h"
#include "nn_optim.h"
#include "nn_rng.h"
#include "train.h"

#include <math.h>
#include <omp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

/* The shuffling stream is derived from the seed but distinct from the init stream. */
#define SHUFFLE_STREAM 0x53485546464c45ULL
#define PI 3.14159265358979323846

void hq_train_opts_default(hq_train_opts *o, const char *net) {
    memset(o, 0, sizeof *o);
    o->optimizer = NN_OPT_ADAM;
    o->momentum = 0.9f;
    o->weight_decay = 0.0f;
    o->seed = 1;
    o->threads = 0;
    o->lr_schedule = 1;
    if (net && !strcmp(net, "cnn")) {
        o->epochs = 8;
        o->batch = 64;
        o->lr = 1e-3f;
    } else { /* "mlp" */
        o->epochs = 15;
        o->batch = 128;
        o->lr = 1e-3f;
    }
}

static int reject(char *err, size_t errlen, const char *fmt, ...) {
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return hq_errf(err, errlen, "hq_train: %s", what);
}

static int check_opts(const hq_train_opts *o, char *err, size_t errlen) {
    if (o->epochs < 1 || o->epochs > 100000)
        return reject(err, errlen, "epochs %d out of range [1, 100000]", o->epochs);
    if (o->batch < 1 || o->batch > 65536)
        return reject(err, errlen, "batch %d out of range [1, 65536]", o->batch);
    if (!(o->lr > 0.0f && o->lr <= 10.0f))
        return reject(err, errlen, "learning rate %g out of range (0, 10]", (double)o->lr);
    if (o->optimizer != NN_OPT_ADAM && o->optimizer != NN_OPT_SGD)
        return reject(err, errlen, "optimizer %d unknown (0 = Adam, 1 = SGD)", o->optimizer);
    if (!(o->momentum >= 0.0f && o->momentum < 1.0f))
        return reject(err, errlen, "momentum %g out of range [0, 1)", (double)o->momentum);
    if (!(o->weight_decay >= 0.0f && o->weight_decay < 1.0f))
        return reject(err, errlen, "weight decay %g out of range [0, 1)", (double)o->weight_decay);
    if (o->threads < 0 || o->threads > 1024)
        return reject(err, errlen, "threads %d out of range [0, 1024]", o->threads);
    if (o->limit < 0) return reject(err, errlen, "limit %d is negative", o->limit);
    if (o->lr_schedule != 0 && o->lr_schedule != 1)
        return reject(err, errlen, "lr_schedule %d unknown (0 = constant, 1 = cosine)",
                      o->lr_schedule);
    return 0;
}

static int check_data(const hq_model *m, const hq_dataset *d, char *err, size_t errlen) {
    if (!d || !d->images || !d->labels || d->n < 1)
        return reject(err, errlen, "empty or missing training set");
    if (d->rows * d->cols != nn_shape_size(m->input))
        return reject(err, errlen, "images are %d x %d but the model expects %d x %d x %d", d->rows,
                      d->cols, m->input.h, m->input.w, m->input.c);
    for (int i = 0; i < d->n; i++)
        if (d->labels[i] >= m->n_classes)
            return reject(err, errlen, "label %d of image %d out of range [0, %d)", d->labels[i], i,
                          m->n_classes);
    return 0;
}

/* Everything one training run allocates. */
typedef struct {
    nn_net net;
    nn_optim opt;
    int *order;
    uint8_t *labels;
    float *wq[HQ_MAX_LAYERS];
} train_state;

static void state_free(train_state *s) {
    nn_net_free(&s->net);
    nn_optim_free(&s->opt);
    free(s->order);
    free(s->labels);
    for (int l = 0; l < HQ_MAX_LAYERS; l++)
        free(s->wq[l]);
}

static int state_alloc(train_state *s, const hq_model *m, const hq_train_opts *o, int n,
                       int threads) {
    memset(s, 0, sizeof *s);
    int cap = o->batch < n ? o->batch : n;
    if (nn_net_alloc(&s->net, m, cap, 1, threads)) return -1;
    if (nn_optim_init(&s->opt, m, o->optimizer, o->momentum, o->weight_decay)) return -1;
    s->order = malloc(sizeof(int) * (size_t)n);
    s->labels = malloc((size_t)cap);
    if (!s->order || !s->labels) return -1;
    for (int l = 0; o->fake_quant && l < m->n_layers; l++) {
        const hq_layer *L = &m->layers[l];
        if (L->w && !(s->wq[l] = malloc(sizeof(float) * (size_t)L->rows * L->cols))) return -1;
    }
    return 0;
}

int hq_train(hq_model *m, const hq_dataset *train, const hq_train_opts *o, char *err,
             size_t errlen) {
    char tmp[8];
    if (!err || !errlen) {
        err = tmp;
        errlen = sizeof tmp;
    }
    if (!o) return reject(err, errlen, "no options");
    if (check_opts(o, err, errlen)) return -1;
    char why[200];
    if (nn_model_check(m, why, sizeof why)) return reject(err, errlen, "%s", why);
    for (int l = 0; l < m->n_layers; l++) {
        const hq_layer *L = &m->layers[l];
        if (L->kind > HQ_LAYER_MAXPOOL || L->src || hq_layer_groups(L) > 1 || L->relu == 2 ||
            (L->kind == HQ_LAYER_MAXPOOL && (L->stride != L->k || L->pad)))
            return reject(err, errlen,
                          "layer %d: training covers chains of dense, conv and maxpool layers "
                          "only (this layer is evaluated and quantized, not trained)",
                          l);
    }
    if (check_data(m, train, err, errlen)) return -1;

    const int n = (o->limit > 0 && o->limit < train->n) ? o->limit : train->n;
    const int threads = o->threads ? o->threads : omp_get_max_threads();
    const int last = m->n_layers - 1;
    train_state s;
    if (state_alloc(&s, m, o, n, threads)) {
        state_free(&s);
        return reject(err, errlen, "out of memory (batch %d)", o->batch);
    }
    const float *w_use[HQ_MAX_LAYERS] = {0};
    for (int l = 0; l < m->n_layers; l++)
        w_use[l] = s.wq[l] ? s.wq[l] : m->layers[l].w;
    for (int i = 0; i < n; i++)
        s.order[i] = i;
    nn_rng rng;
    nn_rng_seed(&rng, o->seed ^ SHUFFLE_STREAM);

    const int batches = (n + o->batch - 1) / o->batch;
    const double total_steps = (double)batches * o->epochs;
    double t0 = omp_get_wtime();
    /* Progress within an epoch (QAT epochs take half a minute): a line rewritten in place
     * on a terminal about every second, else a line every 15 s; either way it is finished
     * (newline) before anything else is printed. */
    const int tty = o->verbose && hq_note_to_terminal();
    const char *every_env = getenv("HQSIM_PROGRESS_SECONDS"); /* tests: 0 = every batch */
    const double every = every_env ? atof(every_env) : tty ? 1.0 : 15.0;
    double next_report = t0 + every;
    int progress_open = 0;
    long step = 0;
    int rc = 0;
    for (int e = 0; e < o->epochs && !rc; e++) {
        nn_rng_shuffle(&rng, s.order, n);
        double loss_sum = 0.0;
        int correct = 0;
        for (int b0 = 0; b0 < n; b0 += o->batch, step++) {
            const int bn = n - b0 < o->batch ? n - b0 : o->batch;
            float lr = o->lr;
            if (o->lr_schedule == 1)
                lr = (float)(o->lr * 0.5 * (1.0 + cos(PI * (double)step / total_steps)));
            for (int l = 0; o->fake_quant && l < m->n_layers; l++) {
                const hq_layer *L = &m->layers[l];
                if (s.wq[l]) o->fake_quant(o->fake_quant_ctx, l, L->w, s.wq[l], L->rows, L->cols);
            }
            for (int i = 0; i < bn; i++)
                s.labels[i] = train->labels[s.order[b0 + i]];
            nn_net_load_images(&s.net, m, train->images, s.order + b0, bn);
            if (nn_net_forward(&s.net, m, w_use, bn, last)) {
                rc = reject(err, errlen, "out of memory in epoch %d", e + 1);
                break;
            }
            loss_sum += nn_softmax_xent(s.net.act[last], s.labels, bn, m->n_classes,
                                        1.0f / (float)bn, s.net.dact[last], &correct);
            if (nn_net_backward(&s.net, m, w_use, bn)) {
                rc = reject(err, errlen, "out of memory in epoch %d", e + 1);
                break;
            }
            nn_optim_step(&s.opt, m, s.net.gw, s.net.gb, lr, threads);
            const double now = o->verbose ? omp_get_wtime() : 0;
            if (o->verbose && now >= next_report && b0 + bn < n) {
                hq_notef("%sepoch %3d/%d  %3d %% of %d images  elapsed %6.1f s%s", tty ? "\r" : "",
                         e + 1, o->epochs, (int)(100.0 * (b0 + bn) / n), n, now - t0,
                         tty ? "" : "\n");
                progress_open = tty;
                next_report = now + every;
            }
        }
        if (progress_open) { /* clear the in-place line */
            hq_notef("\r%60s\r", "");
            progress_open = 0;
        }
        if (rc) break;
        double loss = loss_sum / n;
        if (!isfinite(loss)) /* the weights are left as they are, for inspection */
            rc =
                reject(err, errlen,
                       "diverged in epoch %d (loss is not finite); lower the learning rate", e + 1);
        if (o->verbose)
            hq_notef("epoch %3d/%d  loss %.4f  train acc %6.2f %%  elapsed %6.1f s\n", e + 1,
                     o->epochs, loss, 100.0 * correct / n, omp_get_wtime() - t0);
    }
    state_free(&s);
    return rc;
}
