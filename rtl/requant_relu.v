// Requantize + ReLU (docs/arith.md, hq_requant_relu):
//   y = clamp((acc * mult + 2^(shift-1)) >> shift, 0, 255)   (no rounding term for shift 0)
// with a 64-bit product and an arithmetic shift. Three stages, so no stage holds more than one
// long operation: (1) the 64-bit product; (2) t = p >>> (shift - 1), a mux-only barrel shift;
// (3) y = clamp((t + 1) >> 1): since (p + 2^(s-1)) >> s == ((p >> (s-1)) + 1) >> 1, the
// rounding add shrinks from 64 to 10 bits. `side` (caller data) travels along with the value.
// `sgn` (FLAG_SIGNED_OUT, docs/arith.md 7a; static while values are in flight): no ReLU,
// clamp to [-128, 127] instead, y the two's complement byte.
`default_nettype none
module requant_relu #(
    parameter SW = 1                 // width of the sideband carried with each value
) (
    input  wire               clk,
    input  wire               in_valid,
    input  wire signed [31:0] acc,
    input  wire [30:0]        mult,       // [0, 2^31)
    input  wire [5:0]         shift,      // [0, 62]
    input  wire               sgn,        // int8 output (clamp [-128, 127]) instead of ReLU
    input  wire [SW-1:0]      in_side,
    output reg                out_valid,
    output wire [7:0]         y,
    output reg  [SW-1:0]      out_side
);
    // stage 1: product
    reg               v1;
    reg signed [63:0] prod_q;
    reg [5:0]         pre1;        // shift - 1 (0 for shift 0), decremented here, off the
    reg               round1;      // barrel shift's path; round1: shift > 0
    reg [SW-1:0]      side1;
    always @(posedge clk) begin
        v1 <= in_valid;
        if (in_valid) begin
            prod_q <= acc * $signed({1'b0, mult});
            pre1   <= (shift == 6'd0) ? 6'd0 : shift - 6'd1;
            round1 <= (shift != 6'd0);
            side1  <= in_side;
        end
    end

    // stage 2: shift by all but the last bit (shift 0: no shift, no rounding)
    reg signed [63:0] t_q;
    reg               round_q;     // shift > 0: add the rounding bit in stage 3
    always @(posedge clk) begin
        out_valid <= v1;
        if (v1) begin
            t_q      <= prod_q >>> pre1;
            round_q  <= round1;
            out_side <= side1;
        end
    end

    // stage 3 (combinational on t_q): round, then clamp to [0, 255]. A negative t gives a
    // value <= 0 either way. With rounding the value is (t + 1) >> 1, above 255 iff t >= 511;
    // without it is t, above 255 iff t >= 256.
    wire [9:0] low = t_q[9:0];
    wire [7:0] r   = low[8:1] + {7'd0, low[0]};   // (t + 1) >> 1 for 0 <= t <= 510
    wire       big = round_q ? ((|t_q[62:10]) || low >= 10'd511) : (|t_q[62:8]);
    wire [7:0] yu  = t_q[63] ? 8'd0 : big ? 8'd255 : (round_q ? r : t_q[7:0]);
    // signed: t fits 10 bits signed (t[63:9] all equal) or the value saturates by its sign;
    // then v = t or (t + 1) >>> 1 in 11 bits, in [-128, 127] iff v[10:7] are all equal
    wire        fit10 = t_q[63] ? (&t_q[62:9]) : ~(|t_q[62:9]);
    wire [10:0] t11   = {t_q[63], t_q[9:0]};
    wire [10:0] t11h  = {t11[10], t11[10:1]} + {10'd0, t11[0]};   // (t + 1) >>> 1
    wire [10:0] v11   = round_q ? t11h : t11;
    wire        fit8  = fit10 && (v11[10:7] == 4'h0 || v11[10:7] == 4'hF);
    wire [7:0]  ys    = fit8 ? v11[7:0] : (t_q[63] ? 8'h80 : 8'h7F);
    assign y = sgn ? ys : yu;
endmodule
`default_nettype wire
