// pop64: the number of ones of a 64-bit vector as an adder tree (six levels), for a
// module's body (`include "hq_popcount.vh"). A loop of one increment per bit is a chain as
// long as the vector: on the LFE5U-85F such counts were the board top's critical paths
// (docs/fpga.md).
    function [6:0] pop64;
        input [63:0] x;
        reg [63:0] l1;                     // 32 sums of 2 bits
        reg [47:0] l2;                     // 16 of 3
        reg [31:0] l3;                     // 8 of 4
        reg [19:0] l4;                     // 4 of 5
        reg [11:0] l5;                     // 2 of 6
        integer i;
        begin
            for (i = 0; i < 32; i = i + 1)
                l1[i*2 +: 2] = {1'b0, x[2*i]} + {1'b0, x[2*i+1]};
            for (i = 0; i < 16; i = i + 1)
                l2[i*3 +: 3] = {1'b0, l1[i*4 +: 2]} + {1'b0, l1[i*4+2 +: 2]};
            for (i = 0; i < 8; i = i + 1)
                l3[i*4 +: 4] = {1'b0, l2[i*6 +: 3]} + {1'b0, l2[i*6+3 +: 3]};
            for (i = 0; i < 4; i = i + 1)
                l4[i*5 +: 5] = {1'b0, l3[i*8 +: 4]} + {1'b0, l3[i*8+4 +: 4]};
            for (i = 0; i < 2; i = i + 1)
                l5[i*6 +: 6] = {1'b0, l4[i*10 +: 5]} + {1'b0, l4[i*10+5 +: 5]};
            pop64 = {1'b0, l5[5:0]} + {1'b0, l5[11:6]};
        end
    endfunction
