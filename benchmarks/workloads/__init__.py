"""The benchmark workloads, in the order the table lists them."""
from . import dataloader_epoch, lenet, lstm_lm, manual_loop, mlp_adam, mnist_cnn, per_op, resnet18

WORKLOADS = [*per_op.WORKLOADS, *manual_loop.WORKLOADS, *mlp_adam.WORKLOADS, *mnist_cnn.WORKLOADS,
             *lenet.WORKLOADS, *lstm_lm.WORKLOADS,
             *dataloader_epoch.WORKLOADS, *resnet18.WORKLOADS]
