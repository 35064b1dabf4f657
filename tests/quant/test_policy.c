/* Policy spec parser: valid specs, every error names the bad key and the valid values,
 * override resolution. */
#include "quant/policy.h"
#include "test_util.h"

static void expect_error(const char *spec, const char *needle) {
    hq_policy p;
    char err[256] = "";
    int rc = hq_policy_parse(&p, spec, err, sizeof err);
    CHECK(rc != 0, "'%s' was accepted", spec);
    CHECK(strstr(err, needle) != NULL, "'%s': message '%s' lacks '%s'", spec, err, needle);
}

static void valid_specs(void) {
    hq_policy p;
    char err[256] = "", buf[200];
    CHECK(
        !hq_policy_parse(&p, "lo=2,hi=8,frac=0.02,select=saliency,struct=nm:1:32", err, sizeof err),
        "%s", err);
    CHECK(p.base.uniform_bits == 0 && p.base.lo == 2 && p.base.hi == 8 && p.base.frac == 0.02 &&
              p.base.select == HQ_SELECT_SALIENCY && p.base.structure == HQ_STRUCT_NM &&
              p.base.n == 1 && p.base.m == 32,
          "fields");
    hq_layer_policy_format(&p.base, buf, sizeof buf);
    CHECK(!strcmp(buf, "lo=2,hi=8,frac=0.02,select=saliency,struct=nm:1:32"), "format %s", buf);
    static const char *const ok[] = {"uniform8",
                                     "uniform4",
                                     "uniform2",
                                     "uniform1",
                                     "lo=1,hi=4,frac=0,struct=row",
                                     "lo=3,struct=col",
                                     "lo=4,hi=8,struct=tile:16x8,select=error,frac=0.5"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        CHECK(!hq_policy_parse(&p, ok[i], err, sizeof err), "'%s': %s", ok[i], err);
    CHECK(!hq_policy_parse(&p, "uniform4", err, sizeof err) && p.base.uniform_bits == 4, "u4");
    CHECK(!hq_policy_parse(&p, "lo=4,hi=8,struct=tile:16x8", err, sizeof err) &&
              p.base.tile_r == 16 && p.base.tile_c == 8,
          "tile");
}

static void errors(void) {
    expect_error("", "empty policy");
    expect_error("uniform3", "uniform8, uniform4, uniform2, uniform1");
    expect_error("lo=5", "lo=5: valid values are 1, 2, 3, 4");
    expect_error("lo=two", "valid values are 1, 2, 3, 4");
    expect_error("hi=6", "hi=6: valid values are 4, 8");
    expect_error("frac=0.7", "from 0 to 0.5");
    expect_error("frac=-0.1", "from 0 to 0.5");
    expect_error("frac=abc", "from 0 to 0.5");
    expect_error("select=random", "magnitude, error, saliency");
    expect_error("struct=diag", "none, nm:N:M, row, col, tile:RxC");
    expect_error("struct=nm:0:32", "nm:N:M");
    expect_error("struct=nm:4:4", "N < M");
    expect_error("struct=nm:1", "nm:N:M");
    expect_error("struct=tile:8", "tile:RxC");
    expect_error("bits=2", "unknown key 'bits'");
    expect_error("lo=2,lo=3", "given twice");
    expect_error("lo=4,hi=4", "lo must be smaller than hi");
    expect_error("frac=0.05,struct=nm:1:32", "exceeds");
    expect_error("lo=2,hi", "not key=value");
    expect_error("lo=2;middle=uniform8", "valid selectors are first, last");
    expect_error("lo=2;L0", "expected first=SPEC");
    expect_error("lo=2;last=lo=9", "override last: lo=9");
}

static void overrides(void) {
    hq_policy p;
    char err[256] = "";
    CHECK(!hq_policy_parse(&p,
                           "lo=2,hi=8,frac=0.02,struct=nm:1:32;first=uniform8;last=uniform8;"
                           "L1=frac=0.03125",
                           err, sizeof err),
          "%s", err);
    hq_layer_policy l0 = hq_policy_for_layer(&p, 0, 3), l1 = hq_policy_for_layer(&p, 1, 3),
                    l2 = hq_policy_for_layer(&p, 2, 3);
    CHECK(l0.uniform_bits == 8 && l2.uniform_bits == 8, "first/last");
    CHECK(l1.uniform_bits == 0 && l1.frac == 0.03125 && l1.structure == HQ_STRUCT_NM && l1.n == 1 &&
              l1.m == 32 && l1.lo == 2,
          "L1 inherits the base and changes frac only");
    /* L<i> wins over last, whatever the order */
    CHECK(!hq_policy_parse(&p, "uniform2;L2=lo=1,frac=0.01;last=uniform8", err, sizeof err), "%s",
          err);
    l2 = hq_policy_for_layer(&p, 2, 3);
    CHECK(l2.uniform_bits == 0 && l2.lo == 1 && l2.frac == 0.01, "L2 beats last");
    CHECK(hq_policy_for_layer(&p, 1, 3).uniform_bits == 2, "base elsewhere");
    CHECK(hq_policy_check_layers(&p, 2, err, sizeof err) != 0 && strstr(err, "L0..L1"),
          "L2 on a 2-layer model: %s", err);
    CHECK(hq_policy_check_layers(&p, 3, err, sizeof err) == 0, "3 layers");
    CHECK(!hq_policy_needs_saliency(&p, 3), "no saliency");
    CHECK(!hq_policy_parse(&p, "uniform8;L1=select=saliency", err, sizeof err), "%s", err);
    CHECK(hq_policy_needs_saliency(&p, 3) && !hq_policy_needs_saliency(&p, 1), "saliency");
}

/* Issue 20: selectors are parsed exactly. A selector longer than 15 characters used to be cut
 * (L00000000000000001 became L0, so the override went to the wrong layer) while its full
 * length still sized the override text (a read past the spec). */
static void exact_selectors(void) {
    hq_policy p;
    char err[256] = "";
    CHECK(!hq_policy_parse(&p, "lo=2,hi=8,frac=0.02;L00000000000000001=uniform8", err, sizeof err),
          "%s", err);
    CHECK(p.n_overrides == 1 && p.overrides[0].sel == HQ_SEL_INDEX && p.overrides[0].index == 1,
          "zero-padded L1 parsed as index %d", p.overrides[0].index);
    CHECK(hq_policy_for_layer(&p, 1, 2).uniform_bits == 8, "layer 1 gets the override");
    CHECK(hq_policy_for_layer(&p, 0, 2).uniform_bits == 0, "layer 0 keeps the base policy");
    expect_error("uniform2;L00000000000000003=", "override L00000000000000003: empty policy");
    expect_error("uniform2;L000000000000000000000000000000001=uniform8", "at most 32");
    expect_error("uniform2;L256=uniform8", "layer index out of range"); /* HQ_MAX_LAYERS */
    expect_error("uniform2;L99999999999999999999=uniform8", "layer index out of range");
    expect_error("uniform2;L+1=uniform8", "valid selectors are first, last");
    expect_error("uniform2;L-0=uniform8", "valid selectors are first, last");
    expect_error("uniform2;L 1=uniform8", "valid selectors are first, last");
    expect_error("uniform2;L=uniform8", "valid selectors are first, last");
    expect_error("uniform2;L1x=uniform8", "valid selectors are first, last");
    expect_error("uniform2;firstt=uniform8", "valid selectors are first, last");
    CHECK(!hq_policy_parse(&p, "uniform2;L15=uniform8;first=uniform4", err, sizeof err), "%s", err);
    CHECK(p.overrides[0].index == 15 && p.overrides[1].sel == HQ_SEL_FIRST, "L15, first");
}

int main(void) {
    valid_specs();
    errors();
    overrides();
    exact_selectors();
    return t_report("test_policy");
}
