// Requantize + ReLU (docs/arith.md, hq_requant_relu):
//   y = clamp((acc * mult + 2^(shift-1)) >> shift, 0, 255)   (no rounding term for shift 0)
// with a 64-bit product and an arithmetic shift. Two stages: the product is registered here,
// the round / shift / clamp is combinational on the registered product.
`default_nettype none
module requant_relu (
    input  wire               clk,
    input  wire               in_valid,
    input  wire signed [31:0] acc,
    input  wire [30:0]        mult,       // [0, 2^31)
    input  wire [5:0]         shift,      // [0, 62]
    output reg                out_valid,
    output wire [7:0]         y
);
    reg signed [63:0] prod_q;
    reg [5:0]         shift_q;
    always @(posedge clk) begin
        out_valid <= in_valid;
        if (in_valid) begin
            prod_q  <= acc * $signed({1'b0, mult});
            shift_q <= shift;
        end
    end
    wire signed [63:0] half    = (shift_q == 6'd0) ? 64'sd0 : (64'sd1 <<< (shift_q - 6'd1));
    wire signed [63:0] rounded = (prod_q + half) >>> shift_q;
    assign y = rounded[63] ? 8'd0 : (|rounded[62:8]) ? 8'd255 : rounded[7:0];
endmodule
`default_nettype wire
