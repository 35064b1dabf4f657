# ---- the split array (split13, issue 13): rtl/pe_array_split.v inside hq_accel (SPLIT = 1),
# fed the decoders' beat of every layout unchanged; outputs vs the C reference, each layer's
# tile cycles (COMPUTE + STALL_OUT) vs the model's split rule (split_array.cpp:
# max(1, ceil(h / hi_macs)) per beat) where the bench checks them ----
hq_accel_bench(split split 64)
rtl_accel_run(split_random_conv split --random-conv 25 --seed 11 --stall 0.2 --latency 17)
rtl_accel_run(split_random_dense split --random-dense 90 --seed 11 --stall 0.2 --latency 13)
foreach(layout escape coo)
  rtl_accel_run(split_random_${layout} split --random-layers 60 --layout ${layout} --max-high 32
                --seed 21 --stall 0.2 --latency 13)
endforeach()
rtl_accel_run(split_random_rowgroup split --random-layers 40 --layout rowgroup --seed 22)
rtl_accel_run(split_random_escape_lo3 split --random-layers 30 --layout escape --lo-bits 3
              --max-high 8 --seed 23)
rtl_accel_run(split_block_mix split --block-mix 200 --seed 31 --stall 0.2 --latency 13)
rtl_accel_run(split_random_ksplit split --random-ksplit 30 --seed 41 --stall 0.2)
rtl_accel_run(split_random_signed split --random-signed 63 --seed 31 --stall 0.2 --latency 13
              --interval 2)
# the fixture's MLPs (dense int8: every weight on the high unit; block 1:32; escape; coo; dense
# lo 2) and CNNs, and the error programs
rtl_accel_test(split_mlp split ${block} --images 20 --stall 0.2)
rtl_accel_test(split_dense_mlp split ${dense} --images 10)
rtl_accel_test(split_escape_mlp split ${out}/mlp-escape32.hqm --images 10)
rtl_accel_test(split_coo_mlp split ${out}/mlp-coo32.hqm --images 10 --stall 0.2)
rtl_accel_test(split_dense2_mlp split ${out}/mlp-uniform2.hqm --images 10)
rtl_accel_test(split_batch_stalls split ${block} --images 12 --batch 5 --stall 0.3 --latency 40
               --interval 2 --seed 4)
rtl_accel_test(split_errors split ${block} --errors)
rtl_accel_cnn_test(split_cnn_batch_stalls split ${cnn_block} --images 4 --batch 2 --stall 0.2
                   --latency 30 --seed 5)
rtl_accel_cnn_test(split_cnn_dense split ${models}/cnn-dense.hqm --images 2)
rtl_accel_cnn_test(split_cnn_errors split ${cnn_block} --errors)
