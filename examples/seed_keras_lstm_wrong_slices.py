# Reproducing a Keras LSTM by hand in NumPy
#
# model = Sequential()
# model.add(LSTM(3, input_shape=(1, 1)))
# model.compile(loss='mse', optimizer='adam')
#
# I took the weights with model.get_weights() (names as in model.weights: lstm_1/kernel:0 ...) and tried to
# compute the output of the first time step myself. Which part of the 12 columns is which gate?

import numpy as np

lstm_1_kernel_0 = np.array([[-0.40927699, -0.53539848, 0.40065038, -0.07722378, 0.30405849, 0.54959822, -0.23097005, 0.4720422, 0.05197877, -0.52746099, -0.5856396, -0.43691438]])
lstm_1_recurrent_kernel_0 = np.array([[0.16435402, -0.27625594, -0.55083177, -0.58016684, 0.37592429, 0.49530669, 0.12796293, 0.27539587, 0.05234999, 0.52208691, 0.37902426, -0.5967138],
                                      [0.42888513, -0.55969731, 0.27558654, -0.38921326, 0.43581471, 0.04975346, -0.24034573, -0.09277533, -0.56601639, -0.45086007, 0.2047493, 0.17662741],
                                      [0.13846213, -0.13958693, 0.59665192, 0.57700241, 0.22265038, 0.18055113, 0.22613608, -0.13329429, -0.43788419, 0.26578601, 0.03042519, -0.22770975]])
lstm_1_bias_0 = np.array([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])

def sigmoid(x):
    return 1 / (1 + np.exp(-x))

x = np.array([[0.83467698]])
h_0 = np.zeros((1, 3))
c_0 = np.zeros((1, 3))

z_1_lstm_1 = np.dot(x, lstm_1_kernel_0) + np.dot(h_0, lstm_1_recurrent_kernel_0) + lstm_1_bias_0
i = sigmoid(z_1_lstm_1[0, 0:3])
f = sigmoid(z_1_lstm_1[0, 6:9])
c = np.tanh(z_1_lstm_1[0, 3:6])
o = sigmoid(z_1_lstm_1[0, 9:12])

c_1 = f * c_0 + i * c
h_1 = o * np.tanh(c_1)
print(h_1)
# model.predict(x.reshape(1, 1, 1)) gives [[-0.03092078  0.05519305  0.01035437]]
# -> my h_1 is different from what Keras prints. What am I doing wrong?
