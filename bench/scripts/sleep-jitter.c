// Oversleep probe: sleeps 0.5 ms in a loop for N seconds and counts wake-ups later than 0.5/1/2 ms.
// Shows how often this machine itself fails to run a ready thread on time. Build: gcc -O2 -o /tmp/sleep-jitter sleep-jitter.c
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
static long ns(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1000000000L+t.tv_nsec;}
int main(int argc,char**argv){int secs=atoi(argv[1]);long end=ns()+secs*1000000000L;long n=0,over05=0,over1=0,over2=0,max=0;
struct timespec req={0,500000};
while(ns()<end){long a=ns();nanosleep(&req,0);long d=ns()-a-500000;n++;if(d>500000)over05++;if(d>1000000)over1++;if(d>2000000)over2++;if(d>max)max=d;}
printf("n=%ld late>0.5ms=%ld late>1ms=%ld late>2ms=%ld max=%.2fms\n",n,over05,over1,over2,max/1e6);}
