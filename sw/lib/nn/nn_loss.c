/* Numerically stable softmax cross-entropy (max subtracted before exp). */
#include "nn_loss.h"

#include <math.h>

int nn_argmax(const float *v, int n) {
    int best = 0;
    for (int i = 1; i < n; i++)
        if (v[i] > v[best]) best = i;
    return best;
}

double nn_softmax_xent(const float *logits, const uint8_t *labels, int n, int classes,
                       float grad_scale, float *dlogits, int *correct) {
    double loss = 0.0;
    for (int i = 0; i < n; i++) {
        const float *z = logits + (long)i * classes;
        int y = labels[i];
        int top = nn_argmax(z, classes);
        float zmax = z[top];
        float sum = 0.0f;
        for (int j = 0; j < classes; j++)
            sum += expf(z[j] - zmax);
        float log_sum = logf(sum);
        loss += (double)(log_sum - (z[y] - zmax));
        if (correct && top == y) (*correct)++;
        if (dlogits) {
            float *g = dlogits + (long)i * classes;
            float inv = 1.0f / sum;
            for (int j = 0; j < classes; j++)
                g[j] = (expf(z[j] - zmax) * inv - (j == y ? 1.0f : 0.0f)) * grad_scale;
        }
    }
    return loss;
}
