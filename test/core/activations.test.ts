import * as assert from 'node:assert/strict';
import {
  ACTIVATION_NAMES, activate, applyActivation, erf, erfc, kerasActivationName, resolveActivation, sigmoid, softmaxInPlace, softplus,
} from '../../src/core/activations';
import { GateLensError } from '../../src/core/model';

// Reference values: keras.activations.<name> of Keras 3.15.1 (TensorFlow backend) on float64 tensors at X, and
// keras._legacy.backend.hard_sigmoid for the Keras 2 definition.
const X = [-7.5, -3.0, -0.5, 0.0, 0.7, 2.5, 6.1];
const KERAS: Record<string, number[]> = {
  tanh: [-0.999999388195546, -0.9950547536867305, -0.4621171572600098, 0.0, 0.6043677771171636, 0.9866142981514303, 0.9999899391393965],
  sigmoid: [0.0005527786369235996, 0.04742587317756679, 0.37754066879814546, 0.5, 0.6681877721681662, 0.9241418199787564, 0.9977621514787237],
  relu: [0.0, 0.0, 0.0, 0.0, 0.7, 2.5, 6.1],
  linear: [-7.5, -3.0, -0.5, 0.0, 0.7, 2.5, 6.1],
  elu: [-0.9994469156298522, -0.950212931632136, -0.3934693402873666, 0.0, 0.7, 2.5, 6.1],
  selu: [-1.7571269635807871, -1.670568728767112, -0.6917581878028713, 0.0, 0.7354906911488363, 2.626752468388701, 6.40927602286843],
  softsign: [-0.8823529411764706, -0.75, -0.3333333333333333, 0.0, 0.4117647058823529, 0.7142857142857143, 0.8591549295774648],
  softplus: [0.0005529314753607964, 0.048587351573742055, 0.4740769841801067, 0.6931471805599453, 1.103186048885458, 2.5788897342925496, 6.102240356246249],
  exponential: [0.0005530843701478336, 0.049787068367863944, 0.6065306597126334, 1.0, 2.0137527074704766, 12.182493960703473, 445.85777008251677],
  silu: [-0.004145839776926997, -0.14227761953270035, -0.18877033439907273, 0.0, 0.46773144051771626, 2.310354549946891, 6.086349124020214],
  gelu: [-2.3931710981505027e-13, -0.004049694777521031, -0.1542687708693288, 0.0, 0.5306254408252895, 2.484475834810659, 6.099999996764909],
  relu6: [0.0, 0.0, 0.0, 0.0, 0.7, 2.5, 6.0],
  leaky_relu: [-1.5000000223517418, -0.6000000089406967, -0.10000000149011612, 0.0, 0.7, 2.5, 6.1],
  hard_silu: [-0.0, -0.0, -0.20833333333333334, 0.0, 0.43166666666666664, 2.2916666666666665, 6.1],
  mish: [-0.0041469856425822285, -0.14564746127562458, -0.22074377465173, 0.0, 0.5611483776438518, 2.471392304557881, 6.09993890312072],
  log_sigmoid: [-7.500552931475361, -3.048587351573742, -0.9740769841801067, -0.6931471805599453, -0.4031860488854579, -0.07888973429254963, -0.0022403562462493722],
  hard_sigmoid_keras3: [0.0, 0.0, 0.4166666666666667, 0.5, 0.6166666666666667, 0.9166666666666666, 1.0],
  hard_sigmoid_keras2: [0.0, 0.0, 0.4, 0.5, 0.64, 1.0, 1.0],
  gelu_tanh: [-0.0, -0.0036373923237909, -0.15428599020775666, 0.0, 0.5305701345964369, 2.4849157333319907, 6.099999999966587],
  swish: [-0.004145839776926997, -0.14227761953270035, -0.18877033439907273, 0.0, 0.46773144051771626, 2.310354549946891, 6.086349124020214],
  hard_swish: [-0.0, -0.0, -0.20833333333333334, 0.0, 0.43166666666666664, 2.2916666666666665, 6.1],
};

describe('activations', () => {
  for (const [name, want] of Object.entries(KERAS)) {
    it(`Keras ${name} matches Keras 3 (TensorFlow, float64) to 1e-15 relative`, () => {
      const act = resolveActivation(name);
      X.forEach((x, k) => {
        const got = activate(act, x);
        const tol = 1e-15 * Math.max(1, Math.abs(want[k]));
        assert.ok(Math.abs(got - want[k]) <= tol, `${name}(${x}) = ${got}, Keras ${want[k]}`);
      });
    });
  }

  it('applyActivation agrees with activate for every registered name', () => {
    const xs = Float64Array.from([-40, -7.5, -1, -1e-9, 0, 1e-9, 0.3, 1, 4, 40]);
    for (const name of ACTIVATION_NAMES) {
      const act = resolveActivation(name);
      const out = new Float64Array(xs.length + 2);
      applyActivation(act, xs, 0, out, 1, xs.length);
      xs.forEach((x, k) => assert.ok(Object.is(out[k + 1], activate(act, x)), `${name}(${x})`));
      assert.equal(out[0], 0);
      assert.equal(out[xs.length + 1], 0);
    }
  });

  it('sigmoid and softplus stay finite and exact at the extremes', () => {
    assert.equal(sigmoid(800), 1);
    assert.equal(sigmoid(-800), 0);
    assert.equal(sigmoid(0), 0.5);
    assert.ok(Math.abs(sigmoid(-40) - 4.248354255291589e-18) < 1e-30, 'no cancellation for large negative x');
    assert.equal(softplus(1000), 1000);
    assert.equal(softplus(-1000), 0);
    assert.ok(Math.abs(softplus(-40) - 4.248354255291589e-18) < 1e-30);
    for (const name of ACTIVATION_NAMES) {
      if (name === 'exponential') continue;
      const act = resolveActivation(name);
      for (const x of [-1e308, -800, 800, 1e308]) assert.ok(!Number.isNaN(activate(act, x)), `${name}(${x}) is NaN`);
    }
  });

  it('erf and erfc match Python math.erf to 2 ulp-ish', () => {
    const ref: [number, number][] = [[0.1, 0.1124629160182849], [0.5, 0.5204998778130465], [1.0, 0.8427007929497149], [2.0, 0.9953222650189527], [2.4, 0.999311486103355], [2.6, 0.9997639655834707], [3.0, 0.9999779095030014], [4.5, 0.9999999998033839], [-1.5, -0.9661051464753108]];
    for (const [x, want] of ref) assert.ok(Math.abs(erf(x) - want) <= 4e-16, `erf(${x}) = ${erf(x)}, want ${want}`);
    // erfc(5) = 1.5374597944280349e-12 (relative accuracy kept where 1 − erf(x) would cancel).
    assert.ok(Math.abs(erfc(5) / 1.5374597944280349e-12 - 1) < 1e-13);
    assert.equal(erf(0), 0);
    assert.equal(erf(10), 1);
    assert.equal(erf(-10), -1);
  });

  it('the two hard_sigmoid definitions differ and plain "hard_sigmoid" needs a version', () => {
    assert.equal(activate(resolveActivation('hard_sigmoid_keras2'), 1), 0.7);
    assert.ok(Math.abs(activate(resolveActivation('hard_sigmoid_keras3'), 1) - 2 / 3) < 1e-16);
    assert.throws(() => resolveActivation('hard_sigmoid'), (e: unknown) => e instanceof GateLensError && e.code === 'ambiguous-activation' && /hard_sigmoid_keras2/.test(e.message));
    assert.equal(kerasActivationName('hard_sigmoid', 2), 'hard_sigmoid_keras2');
    assert.equal(kerasActivationName('hard_sigmoid', 3), 'hard_sigmoid_keras3');
    assert.equal(kerasActivationName('tanh', 2), 'tanh');
  });

  it('ONNX activations use the operator defaults and their alpha/beta', () => {
    assert.equal(activate(resolveActivation('LeakyRelu'), -2), -0.02);
    assert.equal(activate(resolveActivation({ name: 'LeakyRelu', alpha: 0.5 }), -2), -1);
    assert.equal(activate(resolveActivation('ThresholdedRelu'), 0.99), 0);
    assert.equal(activate(resolveActivation('ThresholdedRelu'), 1), 1);
    assert.equal(activate(resolveActivation({ name: 'ScaledTanh', alpha: 2, beta: 0.5 }), 1), 2 * Math.tanh(0.5));
    assert.equal(activate(resolveActivation({ name: 'Affine', alpha: 3, beta: -1 }), 2), 5);
    assert.equal(activate(resolveActivation('HardSigmoid'), 1), 0.7);
    assert.equal(activate(resolveActivation({ name: 'HardSigmoid', alpha: 0.25, beta: 0.45 }), 1), 0.7);
    assert.equal(activate(resolveActivation('Elu'), -1), Math.expm1(-1));
    assert.equal(activate(resolveActivation('Softsign'), 3), 0.75);
    assert.equal(activate(resolveActivation('Softplus'), 0), Math.LN2);
    // onnxruntime lowercases names.
    assert.equal(resolveActivation('sigmoid').name, 'sigmoid');
    assert.equal(resolveActivation('hardsigmoid').name, 'HardSigmoid');
    assert.equal(resolveActivation('leakyrelu').alpha, 0.01);
  });

  it('rejects unknown names with the list, softmax as non-elementwise, and stray parameters', () => {
    assert.throws(() => resolveActivation('tanhh'), (e: unknown) => e instanceof GateLensError && e.code === 'unknown-activation' && /Known activations: tanh, sigmoid/.test(e.message));
    assert.throws(() => resolveActivation('softmax'), (e: unknown) => e instanceof GateLensError && /not elementwise/.test(e.message));
    assert.throws(() => resolveActivation({ name: 'tanh', alpha: 2 }), /takes no alpha/);
    assert.throws(() => resolveActivation({ name: 'Elu', alpha: NaN }), /finite/);
  });

  it('softmax (Dense heads) sums to one without overflow', () => {
    const v = Float64Array.from([9, 1000, 1001, 1002]);
    softmaxInPlace(v, 1, 3);
    assert.equal(v[0], 9);
    assert.ok(Math.abs(v[1] + v[2] + v[3] - 1) < 1e-15);
    assert.ok(Math.abs(v[3] / v[2] - Math.E) < 1e-12);
  });

  it('formulas show parameters readably', () => {
    assert.equal(resolveActivation('leaky_relu').formula, 'max(x, 0.2·x)');
    assert.equal(resolveActivation({ name: 'HardSigmoid', alpha: 0.25, beta: 0.45 }).formula, 'min(max(0.25·x + 0.45, 0), 1)');
  });
});
