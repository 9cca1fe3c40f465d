// Differential test program: an interpreter-style switch loop (br_table), dense switches, and indirect
// calls through a function-pointer table (call_indirect with index checks).
#define EXPORT(name) __attribute__((export_name(#name)))

enum { OP_PUSH, OP_ADD, OP_SUB, OP_MUL, OP_DUP, OP_SWAP, OP_JNZ, OP_DEC, OP_XOR, OP_SHL, OP_POP, OP_HALT, OP_DIV, OP_OVER };

// Program: acc = x; counter = n; loop { acc = acc*3 ^ counter; counter-- } until counter == 0.
static const unsigned char prog[] = {
    OP_PUSH, 0, OP_PUSH, 1,
    /* loop @4 */ OP_SWAP, OP_PUSH, 2, OP_MUL, OP_OVER, OP_XOR, OP_SWAP, OP_DEC, OP_DUP, OP_JNZ, 4,
    OP_POP, OP_PUSH, 0, OP_SHL, OP_PUSH, 3, OP_ADD, OP_HALT,
};

static int stack[64];

EXPORT(run_vm) int run_vm(int x, int n) {
    int consts[4] = {x, (int)((unsigned)n % 5000u) + 1, 3, x >> 3};
    int sp = 0, pc = 0, steps = 0;
    for (;;) {
        steps++;
        unsigned char op = prog[pc++];
        switch (op) {
        case OP_PUSH: stack[sp] = consts[prog[pc++]]; sp++; break;
        case OP_OVER: stack[sp] = stack[sp - 2]; sp++; break;
        case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case OP_SWAP: { int t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
        case OP_JNZ: { int target = prog[pc++]; if (stack[--sp] != 0) pc = target; break; }
        case OP_DEC: stack[sp - 1]--; break;
        case OP_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case OP_SHL: sp--; stack[sp - 1] <<= stack[sp]; break;
        case OP_POP: sp--; break;
        case OP_DIV: sp--; stack[sp - 1] /= stack[sp]; break;
        case OP_HALT: return stack[sp - 1] ^ steps;
        default: __builtin_trap();
        }
        if (sp < 1 || sp > 60) return -1;
    }
}

// A dense switch on a caller-chosen value (br_table including the default arm).
EXPORT(dispatch) int dispatch(int op, int a, int b) {
    switch (op) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return a & b;
    case 4: return a | b;
    case 5: return a ^ b;
    case 6: return a << (b & 31);
    case 7: return (int)((unsigned)a >> (b & 31));
    case 8: return a >> (b & 31);
    case 9: return a < b;
    case 10: return (unsigned)a < (unsigned)b;
    case 11: return -a;
    case 13: return ~b;
    case 14: return a == b ? 100 : 200;
    default: return op * 7;
    }
}

typedef int (*binop)(int, int);
typedef long long (*unop64)(long long);
static int f_add(int a, int b) { return a + b; }
static int f_sub(int a, int b) { return a - b; }
static int f_mul(int a, int b) { return a * b; }
static int f_min(int a, int b) { return a < b ? a : b; }
static long long g_sq(long long a) { return a * a; }
static volatile binop table[] = {f_add, f_sub, f_mul, f_min};
static volatile unop64 table64[] = {g_sq};

EXPORT(apply) int apply(unsigned which, int a, int b) { return table[which & 3](a, b); }

// Calls whatever function-table slot the caller names, through a pointer read from memory: out-of-range
// slots, null slots and signature mismatches must trap in both engines.
EXPORT(call_raw) int call_raw(int slot, int a) {
    binop f = (binop)(unsigned long)(unsigned)slot;
    return f(a, 2);
}
EXPORT(call_raw64) long long call_raw64(int slot, long long a) {
    unop64 f = (unop64)(unsigned long)(unsigned)slot;
    return f(a);
}
EXPORT(fold) int fold(int n, int start) {
    int acc = start;
    n = (unsigned)n % 1000u;
    for (int i = 0; i < n; i++) acc = table[i & 3](acc, i) ^ (int)table64[0](i);
    return acc;
}
