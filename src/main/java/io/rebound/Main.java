package io.rebound; public class Main { public static void main(String[] a){} }
