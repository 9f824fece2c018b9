"""Sequence models (seed 002): an ``nn.RNN`` and an ``nn.LSTM`` learn to predict the next number of
0, 1, 2, ... from the previous three; an ``nn.Embedding`` + LSTM classifier on token sequences.

    jtorch run examples/lstm_sequence.py --epochs 300
"""
import argparse

import torch
from torch import nn

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=300)
args = parser.parse_args()

data_length, seq_length = 30, 3
numbers = list(range(data_length))
li_x = [numbers[i:i + seq_length] for i in range(data_length - seq_length)]
li_y = [numbers[i + seq_length] for i in range(data_length - seq_length)]
# (seq_len=1, batch, features) as in the tutorial: each window is one time step of 3 features.
data_x = torch.tensor(li_x, dtype=torch.float32).unsqueeze(0) / data_length
data_y = torch.tensor(li_y)
print("data_x:", data_x.shape, "data_y:", data_y.shape)


class Net(nn.Module):
    def __init__(self, cell, input_size, hidden_size, output_size, num_layers):
        super(Net, self).__init__()
        self.rnn = cell(input_size, hidden_size, num_layers)
        self.fc = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        x, _ = self.rnn(x)
        seq, batch, hidden = x.size()
        return self.fc(x.reshape(-1, hidden))


torch.manual_seed(0)
for cell in (nn.RNN, nn.LSTM):
    model = Net(cell, seq_length, 32, data_length, 2)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(args.epochs):
        loss = loss_fn(model(data_x), data_y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        preds = model(data_x).argmax(dim=1)
    print("{}: loss {:.4f}, accuracy {:.2f}".format(
        cell.__name__, loss.item(), (preds == data_y).float().mean().item()))
print(model)


class Classifier(nn.Module):
    """Tokens (batch, seq) -> Embedding -> LSTM(batch_first) -> last hidden state -> Linear."""

    def __init__(self, vocab, dim, classes):
        super(Classifier, self).__init__()
        self.embedding = nn.Embedding(vocab, dim)
        self.lstm = nn.LSTM(dim, dim, batch_first=True)
        self.out = nn.Linear(dim, classes)

    def forward(self, tokens):
        _, (h, c) = self.lstm(self.embedding(tokens))
        return self.out(h[-1])


# Class = whether token 1 occurs in the sequence.
tokens = torch.randint(0, 8, (64, 6))
labels = (tokens == 1).any(dim=1).long()
classifier = Classifier(8, 16, 2)
optimizer = torch.optim.Adam(classifier.parameters(), lr=0.02)
for epoch in range(args.epochs // 2):
    loss = nn.functional.cross_entropy(classifier(tokens), labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
accuracy = (classifier(tokens).argmax(1) == labels).float().mean().item()
print("Embedding+LSTM classifier: loss {:.4f}, accuracy {:.2f}".format(loss.item(), accuracy))
